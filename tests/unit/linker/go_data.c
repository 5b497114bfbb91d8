/* Go data: absent from a stripped binary. */
extern char go_m0[] __asm__("runtime.m0");

char *c_m0(void)
{
	return go_m0;
}
