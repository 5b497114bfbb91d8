/* Go functions only, so that a stripped binary (no .symtab) can offer all
 * of them: both spellings of an assembly function and its Go wrapper. */
extern void go_asm_body(void) __asm__("runtime.asmcgocall.abi0");
extern void go_wrapper(void) __asm__("runtime.asmcgocall");
extern void go_nanotime1_plain(void) __asm__("runtime.nanotime1");
extern void go_main(void) __asm__("main.main");

void *c_funcs[4] = { (void *)go_asm_body, (void *)go_wrapper,
		     (void *)go_nanotime1_plain, (void *)go_main };

void c_call_main(void)
{
	go_main();
}
