/* An archive member nothing needs: left out, as ld does with archives. */
long c_ar_unused(void)
{
	return 0;
}
