/* Unit tests of the initial stack (checked word by word) and of the kernel
 * command line that fills it. */
#include "kcore_test.h"

#include "boot.h"
#include "cmdline.h"
#include "initstack.h"
#include "kernel.h"
#include "linux_abi.h"
#include "thread.h"

#define VA 0x7ff000000000ul
#define SIZE 8192

static uint64_t stack_buf[SIZE / 8];
static const uint8_t random16[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
				      9, 10, 11, 12, 13, 14, 15, 16 };

/* The host address of program address va inside stack_buf. */
static const void *at(uint64_t va)
{
	assert_true(va >= VA && va < VA + SIZE);
	return (const char *)stack_buf + (va - VA);
}

static struct initstack_args args_of(int argc, char **argv, int envc,
				     char **envp)
{
	return (struct initstack_args){
		.argc = argc, .argv = argv, .envc = envc, .envp = envp,
		.phdr = 0x400040, .entry = 0x46a2e0, .phent = 56, .phnum = 7,
		.hwcap = 0x178bfbff, .hwcap2 = 2, .random = random16,
	};
}

static void test_layout_word_by_word(void **state)
{
	char *argv[] = { "hello", "-n", "3" };
	char *envp[] = { "HOME=/", "GODEBUG=x=1" };
	struct initstack_args a = args_of(3, argv, 2, envp);
	(void)state;

	memset(stack_buf, 0xee, sizeof(stack_buf));
	uintptr_t sp = initstack_build(stack_buf, VA, SIZE, &a);
	assert_int_not_equal(sp, 0);
	assert_int_equal(sp % 16, 0);
	const uint64_t *w = at(sp);
	size_t i = 0;

	assert_int_equal(w[i++], 3); /* argc */
	assert_string_equal(at(w[i++]), "hello");
	assert_string_equal(at(w[i++]), "-n");
	assert_string_equal(at(w[i++]), "3");
	assert_int_equal(w[i++], 0);
	assert_string_equal(at(w[i++]), "HOME=/");
	assert_string_equal(at(w[i++]), "GODEBUG=x=1");
	assert_int_equal(w[i++], 0);

	static const uint64_t want[][2] = {
		{ AT_PHDR, 0x400040 }, { AT_PHENT, 56 }, { AT_PHNUM, 7 },
		{ AT_PAGESZ, 4096 }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, 0x46a2e0 }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ AT_CLKTCK, 100 }, { AT_HWCAP, 0x178bfbff }, { AT_HWCAP2, 2 },
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		assert_int_equal(w[i], want[k][0]);
		assert_int_equal(w[i + 1], want[k][1]);
		i += 2;
	}
	assert_int_equal(w[i], AT_RANDOM);
	assert_memory_equal(at(w[i + 1]), random16, 16);
	i += 2;
	assert_int_equal(w[i], AT_PLATFORM);
	assert_string_equal(at(w[i + 1]), "x86_64");
	i += 2;
	assert_int_equal(w[i], AT_EXECFN);
	assert_int_equal(w[i + 1], w[1]); /* argv[0]'s string */
	i += 2;
	assert_int_equal(w[i], AT_NULL);
	assert_int_equal(w[i + 1], 0);
	i += 2;
	assert_int_equal(i, 1 + 4 + 3 + 2 * INITSTACK_AUXV_PAIRS);
	/* The strings live above the vectors, below a zero top word. */
	assert_true(w[1] > sp + i * 8);
	assert_int_equal(*(const uint64_t *)at(VA + SIZE - 8), 0);
	/* Nothing written below sp. */
	assert_int_equal(*(const uint64_t *)at(sp - 8), 0xeeeeeeeeeeeeeeee);
}

static void test_alignment_for_every_parity(void **state)
{
	char *argv[] = { "a", "bb", "ccc", "dddd", "eeeee" };
	char *envp[] = { "X=1", "YY=22", "ZZZ=333" };
	(void)state;

	for (int argc = 0; argc <= 5; argc++)
		for (int envc = 0; envc <= 3; envc++) {
			struct initstack_args a = args_of(argc, argv, envc, envp);
			uintptr_t sp = initstack_build(stack_buf, VA, SIZE, &a);
			assert_int_not_equal(sp, 0);
			assert_int_equal(sp % 16, 0);
			const uint64_t *w = at(sp);
			assert_int_equal(w[0], (uint64_t)argc);
			assert_int_equal(w[1 + argc], 0);
			assert_int_equal(w[2 + argc + envc], 0);
			if (argc)
				assert_string_equal(at(w[argc]), argv[argc - 1]);
		}
}

static void test_too_big_or_misaligned(void **state)
{
	static char huge[9000];
	char *argv[] = { huge };
	(void)state;

	memset(huge, 'x', sizeof(huge) - 1);
	struct initstack_args a = args_of(1, argv, 0, NULL);
	assert_int_equal(initstack_build(stack_buf, VA, SIZE, &a), 0);
	char *small[] = { "p" };
	a = args_of(1, small, 0, NULL);
	assert_int_equal(initstack_build(stack_buf, VA + 8, SIZE, &a), 0);
	assert_int_equal(initstack_build(stack_buf, VA, 64, &a), 0);
}

static void test_cmdline_format(void **state)
{
	char text[] = "stats  env=HOME=/root\tconsole=ttyS0 env=MSG=hi%20there "
		      "quiet -- prog -n %25d % -- 50%";
	struct cmdline c;
	const char *error = NULL;
	(void)state;

	assert_int_equal(cmdline_parse(text, &c, &error), 0);
	assert_true(c.stats);
	assert_false(c.trace);
	assert_int_equal(c.envc, 2);
	assert_string_equal(c.envp[0], "HOME=/root");
	assert_string_equal(c.envp[1], "MSG=hi there");
	assert_null(c.envp[2]);
	assert_int_equal(c.argc, 6);
	assert_string_equal(c.argv[0], "prog");
	assert_string_equal(c.argv[1], "-n");
	assert_string_equal(c.argv[2], "%d");
	assert_string_equal(c.argv[3], "");   /* "%" is the empty word */
	assert_string_equal(c.argv[4], "--"); /* only the first one splits */
	assert_string_equal(c.argv[5], "50%");
	assert_null(c.argv[6]);
	assert_string_equal(cmdline_option(&c, "console"), "ttyS0");
	assert_string_equal(cmdline_option(&c, "quiet"), "");
	assert_null(cmdline_option(&c, "cons"));
	assert_null(cmdline_option(&c, "env"));
}

static void test_cmdline_defaults_and_limits(void **state)
{
	char empty[] = "";
	char odd[] = "%zz %4 %00 %41%42";
	struct cmdline c;
	const char *error = NULL;
	(void)state;

	assert_int_equal(cmdline_parse(empty, &c, &error), 0);
	assert_int_equal(c.argc, 1);
	assert_string_equal(c.argv[0], CMDLINE_DEFAULT_ARGV0);
	assert_int_equal(c.envc, 0);
	/* Bad escapes stay as written. */
	assert_int_equal(cmdline_parse(odd, &c, &error), 0);
	assert_int_equal(c.optc, 4);
	assert_string_equal(c.options[0], "%zz");
	assert_string_equal(c.options[1], "%4");
	assert_string_equal(c.options[2], "%00");
	assert_string_equal(c.options[3], "AB");

	static char many[4000];
	strcpy(many, "--");
	for (int i = 0; i < 300; i++)
		strcat(many, " a");
	assert_int_equal(cmdline_parse(many, &c, &error), -1);
	assert_non_null(strstr(error, "256 program arguments"));
}

static void test_bad_cmdline_fails_boot(void **state)
{
	static char text[KCORE_CMDLINE_MAX + 10];
	struct fake_config c = { .cmdline = text };
	(void)state;

	memset(text, 'a', sizeof(text) - 1);
	assert_int_equal(fake_boot(&c), KCORE_EXIT_USAGE);
	assert_non_null(strstr(fake_stderr(), "command line has"));
	strcpy(text, "--");
	for (int i = 0; i < 300; i++)
		strcat(text, " a");
	assert_int_equal(fake_boot(&c), KCORE_EXIT_USAGE);
	assert_non_null(strstr(fake_stderr(), "bad command line"));
}

static void test_cmdline_unknown_option(void **state)
{
	static const char *const known[] = { "memlog", "quiet", NULL };
	static const char *const more[] = { "console", NULL };
	char ok[] = "stats memlog=3 quiet console=ttyS0 env=A=1 -- x bogus";
	char bad[] = "memlog=3 quietly console";
	char bad_value[] = "quiet=1 stats=1";
	struct cmdline c;
	const char *error = NULL;
	(void)state;

	assert_int_equal(cmdline_parse(ok, &c, &error), 0);
	assert_null(cmdline_unknown_option(&c, known, more));
	/* A prefix of a known key is not that key. */
	assert_int_equal(cmdline_parse(bad, &c, &error), 0);
	assert_string_equal(cmdline_unknown_option(&c, known, more), "quietly");
	assert_string_equal(cmdline_unknown_option(&c, known, NULL), "quietly");
	/* stats and trace are words, not KEY=VALUE options. */
	assert_int_equal(cmdline_parse(bad_value, &c, &error), 0);
	assert_string_equal(cmdline_unknown_option(&c, known, more), "stats=1");
}

/* An option nobody reads stops the boot, naming it, on stderr; the
 * core's options and the platform's are accepted. */
static void test_unknown_option_fails_boot(void **state)
{
	struct fake_config c = { .cmdline = "stats bogus=1 -- prog" };
	(void)state;

	assert_int_equal(fake_boot(&c), KCORE_EXIT_USAGE);
	assert_non_null(strstr(fake_stderr(), "unknown option 'bogus=1'"));
	assert_non_null(strstr(fake_stderr(), "the platform's: " FAKE_OPTION ")"));
	assert_string_equal(fake_console(), "");
	c.cmdline = "tr%1bce -- prog"; /* no raw control bytes in the message */
	assert_int_equal(fake_boot(&c), KCORE_EXIT_USAGE);
	assert_non_null(strstr(fake_stderr(), "unknown option 'tr\\x1bce'"));
	c.cmdline = "stats trace verbose nosignals memlog=5 " FAKE_OPTION
		    "=x env=A=1 -- prog";
	assert_int_equal(fake_boot(&c), 0);
	assert_string_equal(fake_stderr(), "");
}

/* The platform may ask for its options before kernel_main, during its
 * own setup: the core parses on first use. */
static void test_option_before_boot(void **state)
{
	struct fake_config c = { .cmdline = "verbose " FAKE_OPTION "=a%20b -- p" };
	(void)state;

	fake_reset(&c);
	assert_string_equal(kcore_option(FAKE_OPTION), "a b");
	assert_string_equal(kcore_option("verbose"), "");
	assert_null(kcore_option("nosignals"));
	assert_int_equal(kcore_init(), 0);
	/* verbose: the core says what memory it found, on the log only. */
	assert_non_null(strstr(fake_log(), "frames of 4 KiB free above the image"));
	assert_string_equal(fake_stderr(), "");
}

static void test_start_program(void **state)
{
	struct fake_config c = {
		.cmdline = "env=A=1 -- /bin/prog x",
		.program = { .entry = 0x401000, .phdr = 0x400040, .phent = 56,
			     .phnum = 9, .hwcap = 0xbfebfbff },
	};
	(void)state;

	assert_int_equal(fake_boot(&c), 0);
	assert_int_equal(kcore_start_program(), 0);
	/* The first thread: tid 1, runnable, starting at the entry. */
	struct thread *t = NULL;
	struct list_node *n = list_first(&this_cpu()->rq);
	assert_non_null(n);
	t = container_of(n, struct thread, run_link);
	assert_int_equal(t->tid, 1);
	assert_int_equal(t->ctx.rip, 0x401000);
	assert_int_equal(t->ctx.rdx, 0); /* no atexit function */
	/* Named after the last part of the program's path, as Linux's comm. */
	assert_string_equal(t->name, "prog");
	uintptr_t sp = t->ctx.rsp;
	assert_int_equal(sp % 16, 0);
	/* Its stack is mapped memory of the program's range. */
	const uint64_t *w = fake_va(sp);
	assert_int_equal(w[0], 2);
	assert_string_equal(fake_va(w[1]), "/bin/prog");
	assert_string_equal(fake_va(w[2]), "x");
	assert_int_equal(w[3], 0);
	assert_string_equal(fake_va(w[4]), "A=1");
	assert_int_equal(w[5], 0);
	assert_int_equal(w[6], AT_PHDR);
	assert_int_equal(w[7], 0x400040);
	/* AT_RANDOM: 16 bytes from the platform's generator. */
	const uint64_t *aux = &w[6];
	while (aux[0] != AT_RANDOM && aux[0] != AT_NULL)
		aux += 2;
	assert_int_equal(aux[0], AT_RANDOM);
	const unsigned char *rnd = fake_va(aux[1]);
	assert_int_equal(rnd[0], 0xa0);
	assert_int_equal(rnd[15], 0xaf);
	/* The stack below the built part is demand paged. */
	assert_int_equal(fake_page_fault(sp - 65536 - 8, true), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KTEST(test_layout_word_by_word),
		KTEST(test_alignment_for_every_parity),
		KTEST(test_too_big_or_misaligned),
		KTEST(test_cmdline_format),
		KTEST(test_cmdline_defaults_and_limits),
		KTEST(test_bad_cmdline_fails_boot),
		KTEST(test_cmdline_unknown_option),
		KTEST(test_unknown_option_fails_boot),
		KTEST(test_option_before_boot),
		KTEST(test_start_program),
	};
	return cmocka_run_group_tests_name("kcore initial stack and command line",
					   tests, NULL, NULL);
}
