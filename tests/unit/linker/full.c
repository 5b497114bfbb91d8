/* Every output kind, and references to a Go function (called and by
 * address) and to Go data, through asm labels. */
extern char go_m0[] __asm__("runtime.m0");
extern long go_nanotime1(void) __asm__("runtime.nanotime1.abi0");
extern void go_asmcgocall(void) __asm__("runtime.asmcgocall");

const char c_message[] = "rewire rodata";
void *c_m0_ref = go_m0;
void *c_fn_ref = (void *)go_asmcgocall;
long c_counter = 7;
long c_zeroes[1024];

long c_clock(void)
{
	c_zeroes[1]++;
	return go_nanotime1() + c_counter;
}

const char *c_text(void)
{
	return c_message;
}

__asm__(".pushsection .rewire.redirects,\"a\"\n"
	"\t.asciz \"runtime.nanotime1 ABI0 c_clock func() int64\"\n"
	"\t.popsection");
