/* Defines dup_symbol, as dup_b.c does: linking both must fail. */
long dup_symbol(void)
{
	return 1;
}
