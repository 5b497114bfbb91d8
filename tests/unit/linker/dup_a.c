/* One of two objects defining c_twice. */
int c_twice(void)
{
	return 1;
}
