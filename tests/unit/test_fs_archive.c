/* Unit tests: rewire run --dir's pieces: HOST_DIR[:GUEST_DIR] parsing and
 * the cpio newc archive of host folders, read back with libarchive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_archive.h"
#include "fs_dir.h"

#define MAX_ENTRIES 64

/* One entry read back. */
struct got {
	char name[256];
	unsigned type, perm;
	int64_t size, ino;
	unsigned nlink;
	long long uid, gid;
	time_t mtime;
	char data[64];
	char target[256];
};

struct read_back {
	struct got e[MAX_ENTRIES];
	size_t n;
	int format;
};

struct warnings {
	char text[8][512];
	size_t n;
};

static void warn_note(void *arg, const char *message)
{
	struct warnings *w = arg;

	if (w->n < 8)
		snprintf(w->text[w->n++], sizeof(w->text[0]), "%s", message);
}

static char work[PATH_MAX];

static void make_file(const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", work, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_dir(const char *rel, mode_t mode)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", work, rel);
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void make_link(const char *rel, const char *target)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", work, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void set_mtime(const char *rel, time_t t)
{
	char path[PATH_MAX + 64];
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	snprintf(path, sizeof(path), "%s/%s", work, rel);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(work, sizeof(work), "%s/rewire-fs-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(work) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 32];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
	return system(cmd) == 0 ? 0 : -1;
}

/* The host tree most tests pack: src/ with a file, an empty file, a
 * nested folder, two symlinks and a FIFO. */
static void tree_make(void)
{
	char path[PATH_MAX + 64];

	make_dir("src", 0750);
	make_file("src/a.txt", "hello\n", 0640);
	set_mtime("src/a.txt", 1234567890);
	make_file("src/empty", "", 0600);
	make_dir("src/sub", 0700);
	make_dir("src/sub/deep", 0755);
	make_file("src/sub/deep/b.txt", "bee", 0755);
	make_link("src/link", "sub/deep/b.txt");
	make_link("src/abs-link", "/nonexistent/target");
	snprintf(path, sizeof(path), "%s/src/fifo", work);
	assert_int_equal(mkfifo(path, 0644), 0);
}

static void dir_of(struct fs_dir *d, const char *host_rel, const char *guest)
{
	char spec[PATH_MAX + 300];
	struct rw_error err = { { 0 } };

	snprintf(spec, sizeof(spec), "%s/%s%s%s", work, host_rel, guest ? ":" : "",
		 guest ? guest : "");
	if (fs_dir_parse(spec, d, &err) < 0)
		fail_msg("%s", err.msg);
}

/* Packs dirs into a nameless file and reads every entry back. */
static int pack_and_read(const struct fs_dir *dirs, size_t n, struct read_back *rb,
			 struct warnings *w, struct rw_error *err)
{
	FILE *f = tmpfile();
	struct archive *a;
	struct archive_entry *e;
	int rc;

	assert_non_null(f);
	memset(rb, 0, sizeof(*rb));
	rc = fs_archive_pack(dirs, n, fileno(f), warn_note, w, err);
	if (rc < 0) {
		fclose(f);
		return rc;
	}
	a = archive_read_new();
	archive_read_support_format_cpio(a);
	assert_int_equal(lseek(fileno(f), 0, SEEK_SET), 0);
	assert_int_equal(archive_read_open_fd(a, fileno(f), 4096), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		struct got *g = &rb->e[rb->n++];

		assert_true(rb->n < MAX_ENTRIES);
		snprintf(g->name, sizeof(g->name), "%s", archive_entry_pathname(e));
		g->type = archive_entry_filetype(e);
		g->perm = archive_entry_perm(e);
		g->size = archive_entry_size(e);
		g->ino = archive_entry_ino64(e);
		g->nlink = archive_entry_nlink(e);
		g->uid = archive_entry_uid(e);
		g->gid = archive_entry_gid(e);
		g->mtime = archive_entry_mtime(e);
		if (archive_entry_symlink(e))
			snprintf(g->target, sizeof(g->target), "%s", archive_entry_symlink(e));
		if (g->type == AE_IFREG)
			assert_true(archive_read_data(a, g->data, sizeof(g->data) - 1) >= 0);
		rb->format = archive_format(a);
	}
	archive_read_free(a);
	fclose(f);
	return 0;
}

static const struct got *find(const struct read_back *rb, const char *name)
{
	for (size_t i = 0; i < rb->n; i++)
		if (strcmp(rb->e[i].name, name) == 0)
			return &rb->e[i];
	return NULL;
}

/* Every name once, every entry after its parent's, no leading '/', one
 * inode each, nlink 1, uid and gid 0. */
static void check_layout(const struct read_back *rb)
{
	for (size_t i = 0; i < rb->n; i++) {
		const struct got *g = &rb->e[i];
		char parent[256];
		char *slash;

		assert_true(g->name[0] && g->name[0] != '/');
		assert_int_equal(g->nlink, 1);
		assert_int_equal(g->uid, 0);
		assert_int_equal(g->gid, 0);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(rb->e[j].name, g->name);
			assert_true(rb->e[j].ino != g->ino);
		}
		snprintf(parent, sizeof(parent), "%s", g->name);
		slash = strrchr(parent, '/');
		if (!slash)
			continue;
		*slash = 0;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= strcmp(rb->e[j].name, parent) == 0 && rb->e[j].type == AE_IFDIR;
		if (!seen)
			fail_msg("%s comes before its directory %s", g->name, parent);
	}
}

static void test_pack_tree(void **state)
{
	struct fs_dir d;
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };
	const struct got *g;
	time_t before = time(NULL);

	(void)state;
	tree_make();
	dir_of(&d, "src", "/home/u/pkg");
	assert_int_equal(pack_and_read(&d, 1, &rb, &w, &err), 0);
	assert_int_equal(rb.format, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC); /* newc */
	check_layout(&rb);
	assert_int_equal(rb.n, 10);
	/* The made-up parents: 0755, the time of packing. */
	for (const char *const *p = (const char *const[]){ "home", "home/u", NULL }; *p; p++) {
		g = find(&rb, *p);
		assert_non_null(g);
		assert_int_equal(g->type, AE_IFDIR);
		assert_int_equal(g->perm, 0755);
		assert_true(g->mtime >= before);
	}
	g = find(&rb, "home/u/pkg");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFDIR);
	assert_int_equal(g->perm, 0750);
	g = find(&rb, "home/u/pkg/a.txt");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFREG);
	assert_int_equal(g->perm, 0640);
	assert_int_equal(g->size, 6);
	assert_string_equal(g->data, "hello\n");
	assert_int_equal(g->mtime, 1234567890);
	g = find(&rb, "home/u/pkg/empty");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFREG);
	assert_int_equal(g->size, 0);
	assert_int_equal(g->perm, 0600);
	g = find(&rb, "home/u/pkg/sub");
	assert_non_null(g);
	assert_int_equal(g->perm, 0700);
	assert_non_null(find(&rb, "home/u/pkg/sub/deep"));
	g = find(&rb, "home/u/pkg/sub/deep/b.txt");
	assert_non_null(g);
	assert_string_equal(g->data, "bee");
	assert_int_equal(g->perm, 0755);
	/* Symlinks: their target text as it is, never followed. */
	g = find(&rb, "home/u/pkg/link");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFLNK);
	assert_string_equal(g->target, "sub/deep/b.txt");
	g = find(&rb, "home/u/pkg/abs-link");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFLNK);
	assert_string_equal(g->target, "/nonexistent/target");
	/* The FIFO: left out, one warning naming it. */
	assert_null(find(&rb, "home/u/pkg/fifo"));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.text[0], "/src/fifo: a FIFO"));
	fs_dir_free(&d);
}

/* GUEST_DIR "/": the folder's contents at the top, no entry for the root. */
static void test_pack_at_root(void **state)
{
	struct fs_dir d;
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	tree_make();
	dir_of(&d, "src/sub", "/");
	assert_int_equal(pack_and_read(&d, 1, &rb, &w, &err), 0);
	check_layout(&rb);
	assert_int_equal(rb.n, 2);
	assert_string_equal(rb.e[0].name, "deep");
	assert_string_equal(rb.e[1].name, "deep/b.txt");
	fs_dir_free(&d);
}

/* Several --dir: side by side, nested, and the later one's file wins at a
 * path both fill; folders merge; HOST_DIR may be a symlink to a folder. */
static void test_pack_several(void **state)
{
	struct fs_dir d[4];
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };
	const struct got *g;

	(void)state;
	make_dir("one", 0755);
	make_file("one/same.txt", "from one", 0644);
	make_file("one/only-one", "1", 0644);
	make_dir("one/y", 0755);
	make_file("one/y/in-y", "y", 0644);
	make_dir("two", 0755);
	make_file("two/same.txt", "from two", 0644);
	make_dir("nested", 0711);
	make_file("nested/n", "n", 0644);
	make_dir("side", 0755);
	make_file("side/s", "s", 0644);
	/* Names are bytes: UTF-8 or not, they go in as they are. */
	make_file("side/\xc3\xbcn\xc3\xaf \xe2\x9c\x93", "u", 0644);
	make_file("side/\xff\xfe", "b", 0644);
	make_link("side-link", "side");
	dir_of(&d[0], "one", "/x");
	dir_of(&d[1], "nested", "/x/y/z");
	dir_of(&d[2], "two", "/x");
	dir_of(&d[3], "side-link", "/w");
	assert_int_equal(pack_and_read(d, 4, &rb, &w, &err), 0);
	check_layout(&rb);
	g = find(&rb, "x/same.txt");
	assert_non_null(g);
	assert_string_equal(g->data, "from two");
	assert_non_null(find(&rb, "x/only-one"));
	assert_non_null(find(&rb, "x/y/in-y"));
	g = find(&rb, "x/y/z");
	assert_non_null(g);
	assert_int_equal(g->perm, 0711);
	assert_non_null(find(&rb, "x/y/z/n"));
	g = find(&rb, "w");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFDIR);
	g = find(&rb, "w/s");
	assert_non_null(g);
	assert_string_equal(g->data, "s");
	g = find(&rb, "w/\xc3\xbcn\xc3\xaf \xe2\x9c\x93");
	assert_non_null(g);
	assert_string_equal(g->data, "u");
	g = find(&rb, "w/\xff\xfe");
	assert_non_null(g);
	assert_string_equal(g->data, "b");
	assert_int_equal(w.n, 0);
	for (size_t i = 0; i < 4; i++)
		fs_dir_free(&d[i]);
}

/* A later --dir's file where an earlier one's GUEST_DIR needs a folder. */
static void test_pack_file_in_the_way(void **state)
{
	struct fs_dir d[2];
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	make_dir("a", 0755);
	make_file("a/f", "x", 0644);
	make_dir("b", 0755);
	make_file("b/x", "file", 0644);
	dir_of(&d[0], "a", "/top/x/inner");
	dir_of(&d[1], "b", "/top");
	assert_int_equal(pack_and_read(d, 2, &rb, &w, &err), -1);
	assert_non_null(strstr(err.msg, "top/x: a later --dir put a file there"));
	fs_dir_free(&d[0]);
	fs_dir_free(&d[1]);
}

/* A file the packer cannot read is an error naming it (not as root, who
 * reads anything). */
static void test_pack_unreadable(void **state)
{
	struct fs_dir d;
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };

	(void)state;
	if (geteuid() == 0)
		skip();
	make_dir("locked", 0755);
	make_file("locked/secret", "s", 0000);
	dir_of(&d, "locked", "/l");
	assert_int_equal(pack_and_read(&d, 1, &rb, &w, &err), -1);
	assert_non_null(strstr(err.msg, "locked/secret"));
	fs_dir_free(&d);
}

static void test_path_clean(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" }, { "//", "/" }, { "/a/b/", "/a/b" }, { "/a//b/./c", "/a/b/c" },
		{ "/a/../b", "/b" }, { "/..", "/" }, { "/a/b/../..", "/" }, { "/./.", "/" },
		{ "/a/..b/c..", "/a/..b/c.." },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = fs_path_clean(cases[i][0]);

		assert_string_equal(c, cases[i][1]);
		free(c);
	}
}

static void test_dir_parse(void **state)
{
	struct fs_dir d;
	struct rw_error err = { { 0 } };
	char spec[PATH_MAX + 64], old[PATH_MAX], want[PATH_MAX + 64];

	(void)state;
	make_dir("d", 0755);
	make_file("file", "x", 0644);
	/* The default GUEST_DIR: HOST_DIR's absolute, clean path. */
	snprintf(spec, sizeof(spec), "%s/./d/", work);
	assert_int_equal(fs_dir_parse(spec, &d, &err), 0);
	snprintf(want, sizeof(want), "%s/d", work);
	assert_string_equal(d.host, want);
	assert_string_equal(d.guest, want);
	fs_dir_free(&d);
	/* Relative to the working directory. */
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(work), 0);
	unsetenv("PWD");
	assert_int_equal(fs_dir_parse("d:/a/../b//c/", &d, &err), 0);
	assert_int_equal(chdir(old), 0);
	assert_non_null(strstr(d.host, "/d"));
	assert_string_equal(d.guest, "/b/c");
	fs_dir_free(&d);
	/* Refusals, each saying why. */
	snprintf(spec, sizeof(spec), "%s/d:relative", work);
	assert_int_equal(fs_dir_parse(spec, &d, &err), -1);
	assert_non_null(strstr(err.msg, "GUEST_DIR 'relative' is not an absolute path"));
	snprintf(spec, sizeof(spec), "%s/d:", work);
	assert_int_equal(fs_dir_parse(spec, &d, &err), -1);
	assert_non_null(strstr(err.msg, "is not an absolute path"));
	assert_int_equal(fs_dir_parse(":/x", &d, &err), -1);
	assert_non_null(strstr(err.msg, "HOST_DIR is empty"));
	snprintf(spec, sizeof(spec), "%s/missing:/x", work);
	assert_int_equal(fs_dir_parse(spec, &d, &err), -1);
	assert_non_null(strstr(err.msg, "No such file or directory"));
	snprintf(spec, sizeof(spec), "%s/fifo", work);
	assert_int_equal(mkfifo(spec, 0644), 0);
	assert_int_equal(fs_dir_parse(spec, &d, &err), -1);
	assert_non_null(strstr(err.msg, "neither a directory nor a regular file"));
	/* A regular file is taken: it goes alone. */
	snprintf(spec, sizeof(spec), "%s/file", work);
	assert_int_equal(fs_dir_parse(spec, &d, &err), 0);
	fs_dir_free(&d);
}

/* --dir FILE[:GUEST]: the file alone at GUEST (default: its own path),
 * below made-up parents, beside what other --dir give. */
static void test_pack_file(void **state)
{
	struct fs_dir d[2];
	struct read_back rb;
	struct warnings w = { 0 };
	struct rw_error err = { { 0 } };
	const struct got *g;
	(void)state;

	tree_make();
	dir_of(&d[0], "src", "/pkg");
	dir_of(&d[1], "src/a.txt", "/opt/bin/tool");
	assert_int_equal(pack_and_read(d, 2, &rb, &w, &err), 0);
	check_layout(&rb);
	g = find(&rb, "opt/bin/tool");
	assert_non_null(g);
	assert_int_equal(g->type, AE_IFREG);
	assert_int_equal(g->perm, 0640);
	assert_string_equal(g->data, "hello\n");
	assert_non_null(find(&rb, "opt/bin"));
	assert_null(find(&rb, "opt/bin/tool/a.txt"));
	assert_non_null(find(&rb, "pkg/sub/deep/b.txt"));
	fs_dir_free(&d[0]);
	fs_dir_free(&d[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pack_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_at_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_several, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_file_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_unreadable, setup, teardown),
		cmocka_unit_test(test_path_clean),
		cmocka_unit_test_setup_teardown(test_dir_parse, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
