/* A redirect record with an ABI that does not exist. */
void c_bad_abi(void)
{
}

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"runtime.nanotime1 ABI1 c_bad_abi\"\n"
	"\t.popsection");
