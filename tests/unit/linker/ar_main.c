/* Needs c_helper from the archive. */
extern long c_helper(long);

long c_ar_main(void)
{
	return c_helper(41);
}
