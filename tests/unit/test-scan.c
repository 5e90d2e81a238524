/*
 * test-scan.c: the scanner and the store together on a scratch tree:
 * what is indexed, what a restart skips, what a broken edit keeps, and
 * what a deletion drops.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan.h"
#include "store.h"

struct fixture {
	char root[64];
	char db[96];
	struct store *st;
	int errors_seen;
};

static const char good_episode[] = "---\n"
				   "title: Caching builds\n"
				   "slug: caching-builds\n"
				   "show: build-and-break\n"
				   "publishedAt: 2024-03-14T17:00:00.000Z\n"
				   "duration: 600\n"
				   "chapters:\n"
				   "  - startTime: 0\n"
				   "    title: Welcome\n"
				   "  - startTime: 120\n"
				   "    title: Cache mounts explained\n"
				   "---\n"
				   "Body text is not indexed.\n";

static void
write_file(struct fixture *f, const char *rel, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
count_error(void *arg, const char *path, const struct parse_error *err)
{
	struct fixture *f = arg;

	f->errors_seen++;
}

static struct scan_report
scan(struct fixture *f)
{
	struct scan_report r = {.on_error = count_error, .arg = f};
	char *why = NULL;

	assert_int_equal(scan_tree(f->st, f->root, &r, &why), 0);
	assert_null(why);
	return r;
}

static struct store_counts
counts(struct fixture *f)
{
	struct store_counts c;

	assert_int_equal(store_counts(f->st, &c), 0);
	return c;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *why = NULL;

	strcpy(f->root, "/tmp/epsearch-scan.XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/.index.sqlite3", f->root);
	if (store_open(f->db, STORE_WRITER, &f->st, &why) != 0)
		return -1;
	mkdir(strcat(strcpy((char[128]){0}, f->root), "/2024"), 0755);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
test_indexes_then_skips_unchanged(void **state)
{
	struct fixture *f = *state;
	struct scan_report r;

	write_file(f, "2024/caching-builds.md", good_episode);
	write_file(f, "2024/notes.txt", "not an episode");
	write_file(f, "2024/.caching-builds.md.swp", "editor junk");
	r = scan(f);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.indexed, 1);
	assert_int_equal(counts(f).episodes, 1);
	assert_int_equal(counts(f).chapters, 2);

	r = scan(f);
	assert_int_equal(r.indexed, 0);
	assert_int_equal(r.unchanged, 1);
}

static void
test_broken_edit_keeps_last_good_rows(void **state)
{
	struct fixture *f = *state;
	struct scan_report r;

	write_file(f, "2024/caching-builds.md", good_episode);
	scan(f);
	write_file(f, "2024/caching-builds.md", "---\ntitle: [unclosed\n---\n");
	r = scan(f);
	assert_int_equal(r.failed, 1);
	assert_int_equal(f->errors_seen, 1);
	assert_int_equal(counts(f).episodes, 1);
	assert_int_equal(counts(f).chapters, 2);
	assert_int_equal(counts(f).errors, 1);

	/* Logged once: an unchanged broken file is not parsed again. */
	scan(f);
	assert_int_equal(f->errors_seen, 1);

	write_file(f, "2024/caching-builds.md", good_episode);
	scan(f);
	assert_int_equal(counts(f).errors, 0);
}

static void
test_deleted_files_and_dirs_are_dropped(void **state)
{
	struct fixture *f = *state;
	char path[160];
	const char *rel = "2024";
	struct scan_report r = {0};
	char *why = NULL;

	write_file(f, "2024/caching-builds.md", good_episode);
	write_file(f, "2024/other.md", good_episode);
	scan(f);
	assert_int_equal(counts(f).episodes, 2);

	snprintf(path, sizeof(path), "%s/2024/other.md", f->root);
	unlink(path);
	r = scan(f);
	assert_int_equal(r.removed, 1);
	assert_int_equal(counts(f).episodes, 1);

	snprintf(path, sizeof(path), "rm -rf '%s/2024'", f->root);
	assert_int_equal(system(path), 0);
	assert_int_equal(scan_paths(f->st, f->root, &rel, 1, &r, &why), 0);
	assert_int_equal(counts(f).episodes, 0);
	assert_int_equal(counts(f).files, 0);
}

static void
test_same_content_new_mtime_is_not_parsed(void **state)
{
	struct fixture *f = *state;
	struct scan_report r;
	char path[160];

	write_file(f, "2024/caching-builds.md", good_episode);
	scan(f);
	snprintf(path, sizeof(path), "%s/2024/caching-builds.md", f->root);
	assert_int_equal(utimensat(AT_FDCWD, path,
				   (struct timespec[2]){{0, UTIME_NOW}, {1, 0}},
				   0),
			 0);
	r = scan(f);
	assert_int_equal(r.indexed, 0);
	assert_int_equal(r.unchanged, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_indexes_then_skips_unchanged,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_broken_edit_keeps_last_good_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_deleted_files_and_dirs_are_dropped, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_same_content_new_mtime_is_not_parsed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
