/* An archive member that nothing calls: its redirect record alone pulls it. */
long c_ar_now(void)
{
	return 42;
}

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"time.Now ABIInternal c_ar_now\"\n"
	"\t.popsection");
