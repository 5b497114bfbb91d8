/* A redirect record to a C function that no object defines. */
void c_present(void)
{
}

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"time.Now ABIInternal c_nowhere\"\n"
	"\t.popsection");
