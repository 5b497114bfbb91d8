/* An ifunc: its resolver would have to run at load time. */
static int c_impl(void)
{
	return 1;
}

static void *c_resolve(void)
{
	return (void *)c_impl;
}

int c_ifunc(void) __attribute__((ifunc("c_resolve")));

int c_use_ifunc(void)
{
	return c_ifunc();
}
