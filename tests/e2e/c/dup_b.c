/* Defines dup_symbol, as dup_a.c does: linking both must fail. */
long dup_symbol(void)
{
	return 2;
}
