/* rewire image: a static Go binary plus the kernel runtime, for a platform. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "image.h"
#include "output.h"

static const char usage[] =
	"usage: rewire image IN -o OUT [--platform kvm|hosted] [--mode trap|redirect]\n"
	"                    [--kernel-dir DIR] [--force] [-q]\n"
	"\n"
	"Links the kernel runtime into the static Go binary IN and writes OUT, an\n"
	"image of the Go program on the kernel (rewire run runs it): the kernel\n"
	"builds the Linux initial stack from its command line and jumps to the Go\n"
	"entry point. IN's segments and symbols stay as they are; the kernel lands\n"
	"in new segments after them (below 2 GiB) with its symbols added to\n"
	".symtab. IN is not modified.\n"
	"\n"
	"options:\n"
	"  -o, --output OUT      the image to write\n"
	"      --platform NAME   what runs the image (default kvm):\n"
	"                        kvm     an ELF that boots with PVH under QEMU\n"
	"                                (KVM, or TCG without /dev/kvm)\n"
	"                        hosted  a Linux executable: ./OUT ARGS runs the\n"
	"                                program on the kernel in this process,\n"
	"                                its system calls trapped by Syscall\n"
	"                                User Dispatch\n"
	"      --mode MODE       how the program enters the kernel (default\n"
	"                        redirect):\n"
	"                        redirect  the Go runtime's OS leaves jump into it\n"
	"                                  through doors: no trap\n"
	"                        trap      its SYSCALL instructions trap into it\n"
	"                                  (LSTAR on kvm, Syscall User Dispatch on\n"
	"                                  hosted): for a binary whose own\n"
	"                                  assembly makes system calls\n"
	"      --kernel-dir DIR  the kernel build: DIR/platform-NAME.a and .ld and\n"
	"                        DIR/core/*.o (default: $" IMAGE_KERNEL_DIR_ENV ", else\n"
	"                        build/kernel beside the rewire binary's build/bin)\n"
	"      --force           image a binary built by a Go version outside\n"
	"                        1.19-1.26; in redirect mode, write the image\n"
	"                        although trap instructions stay reachable (a\n"
	"                        warning names each)\n"
	"  -q, --quiet           print nothing on success\n"
	"\n"
	CLI_OUTPUT_HELP
	"\n"
	"In redirect mode the image is proved before it is written: every trap\n"
	"instruction (SYSCALL, SYSENTER, INT 0x80) of Go code must sit in a function\n"
	"whose entry jumps to a kernel door, past the 5 bytes of that jump, with no\n"
	"branch into them or past the entry from elsewhere (rewire verify shows the\n"
	"proof). A site left reachable, or Go code that does not decode, refuses the\n"
	"image, naming each function and offset, unless --force.\n"
	"\n"
	"Exit status: 0 written, 1 bad input, failed link, a trap left reachable in\n"
	"redirect mode or OUT cannot be written (nothing written), 2 usage error\n"
	"(OUT is IN included); killed by a signal above: that signal.\n";

enum { OPT_MODE = 256, OPT_KERNEL_DIR, OPT_PLATFORM, OPT_FORCE };

/* Each reason the trap proof gave, on stderr: the refusal's detail, or
 * with --force a warning. */
static void cover_report(const struct image_cover *cover, bool refused)
{
	const char *line = cover->failures;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);

		cli_error("image: %suncovered: %.*s", refused ? "" : "warning: ", len, line);
		line += len + (end != NULL);
	}
}

/* The proof's counts, on stdout. */
static void cover_summary(const char *out, const struct image_cover *cover)
{
	if (!cover->done)
		return;
	printf("%s: traps: %zu uncovered of %zu sites in %zu functions of Go code", out,
	       cover->uncovered, cover->sites, cover->functions);
	if (cover->unknown)
		printf(", %zu range(s) of Go code not decoded", cover->unknown);
	printf("; %zu in the kernel's code (its own host calls, not judged)", cover->added_sites);
	if (cover->added_gaps)
		printf(", %zu range(s) of it not decoded (rewire verify says which and why)",
		       cover->added_gaps);
	printf("\n");
}

int cmd_image(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "kernel-dir", required_argument, NULL, OPT_KERNEL_DIR },
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct image_options opts = { .mode = IMAGE_MODE_REDIRECT };
	struct image_result res = { 0 };
	struct rw_error err = { { 0 } };
	const char *in = NULL, *out = NULL;
	struct output target;
	bool quiet = false;
	int c, rc, code = EXIT_OK;

	while ((c = cli_next_option(argc, argv, "ho:q", longopts, usage, &code)) >= 0) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "trap") == 0) {
				opts.mode = IMAGE_MODE_TRAP;
			} else if (strcmp(optarg, "redirect") == 0) {
				opts.mode = IMAGE_MODE_REDIRECT;
			} else {
				cli_error("image: mode '%s': give trap or redirect", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_KERNEL_DIR:
			opts.kernel_dir = optarg;
			break;
		case OPT_PLATFORM:
			if (strcmp(optarg, "kvm") != 0 && strcmp(optarg, "hosted") != 0) {
				cli_error("image: platform '%s': give kvm or hosted", optarg);
				return EXIT_USAGE;
			}
			opts.platform = optarg;
			break;
		case OPT_FORCE:
			opts.force = true;
			break;
		case 'q':
			quiet = true;
			break;
		}
	}
	if (c == CLI_EXIT)
		return code;
	if (optind + 1 != argc || !out)
		return cli_usage_error(usage, optind >= argc ? "image: no input binary" :
				       optind + 1 < argc ? "image: one input binary only" :
				       "image: no output (-o OUT)");
	in = argv[optind];
	rc = output_check(&target, out, in, false, &err);
	if (rc == OUTPUT_IS_INPUT) {
		cli_error("image: %s: the input is never modified; write elsewhere", err.msg);
		return EXIT_USAGE;
	}
	if (rc < 0) {
		cli_error("image: %s", err.msg);
		return EXIT_FAILED;
	}
	rc = image_make(in, &target, &opts, &res, &err);
	cover_report(&res.cover, rc < 0);
	if (rc < 0) {
		cli_error("image: %s", err.msg);
		image_result_free(&res);
		return EXIT_FAILED;
	}
	if (res.cover.failures)
		cli_error("image: warning: --force: wrote %s with %zu trap instruction(s) of Go code reachable%s "
			  "(rewire verify %s lists them)", out, res.cover.uncovered,
			  res.cover.unknown ? " and Go code not decoded" : "", out);
	if (!quiet && opts.mode == IMAGE_MODE_REDIRECT) {
		printf("%s: %zu runtime leaves and %zu Go-level fast paths jump into the kernel%s%s%s\n",
		       out, res.ndoors - res.nfast, res.nfast,
		       res.fast_skipped[0] ? " (left to their leaves: " : "",
		       res.fast_skipped, res.fast_skipped[0] ? ")" : "");
		cover_summary(out, &res.cover);
	}
	if (!quiet)
		printf("%s: %s platform, kernel (%s mode) at 0x%" PRIx64 "-0x%" PRIx64
		       ", kernel entry 0x%" PRIx64 ", Go entry 0x%" PRIx64
		       ", %zu kernel symbols, %zu functions named for crash dumps\n",
		       out, res.platform,
		       opts.mode == IMAGE_MODE_REDIRECT ? "redirect" : "trap",
		       res.kernel_base, res.kernel_end,
		       res.kernel_entry, res.go_entry, res.nsymbols, res.nksyms);
	image_result_free(&res);
	return EXIT_OK;
}
