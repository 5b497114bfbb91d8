/* A C function nobody defines, and a Go name spelled the C way. */
extern void c_missing_function(void);
extern char runtime_m0[];

char *c_undef(void)
{
	c_missing_function();
	return runtime_m0;
}
