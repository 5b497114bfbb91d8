/* A redirect record whose C side is data, not a function. */
long c_not_a_function = 1;

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"time.Now ABIInternal c_not_a_function\"\n"
	"\t.popsection");
