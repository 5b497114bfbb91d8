/* The other object defining c_twice. */
int c_twice(void)
{
	return 2;
}
