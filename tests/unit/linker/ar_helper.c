/* An archive member pulled in because ar_main.o calls it. */
long c_helper(long x)
{
	return x + 1;
}
