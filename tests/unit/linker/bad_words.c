/* A redirect record of two words. */
void c_bad_words(void)
{
}

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"runtime.nanotime1 c_bad_words\"\n"
	"\t.popsection");
