/*
 * fuzz-index.c: the small real index the search targets run against:
 * the bundled example episodes, scanned into a scratch file once per
 * process. A file, not :memory:, because the store opens its database
 * by path (a writer and a reader, like the daemon).
 */
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "scan.h"
#include "search.h"
#include "store.h"

static char scratch[PATH_MAX];
static struct store *reader;

static int
remove_entry(const char *path, const struct stat *sb, int flag,
	     struct FTW *ftw)
{
	return remove(path);
}

static void
fuzz_index_remove(void)
{
	store_close(reader);
	reader = NULL;
	nftw(scratch, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
fuzz_index_fail(const char *what, char *why)
{
	fprintf(stderr, "fuzz: cannot build the example index: %s: %s\n",
		what, why ? why : "failed");
	free(why);
	exit(2);
}

/* Scans the examples into db with a writer that is closed again. */
static void
fuzz_index_build(const char *db)
{
	struct scan_report report = {0};
	struct store *writer;
	char *why = NULL;

	if (store_open(db, STORE_WRITER, &writer, &why) != 0)
		fuzz_index_fail(db, why);
	if (scan_tree(writer, EPSEARCH_EXAMPLES, &report, &why) != 0)
		fuzz_index_fail(EPSEARCH_EXAMPLES, why);
	store_close(writer);
}

struct store *
fuzz_index(void)
{
	char db[PATH_MAX + 32];
	char *why = NULL;

	if (reader)
		return reader;
	snprintf(scratch, sizeof(scratch), "%s/epsearch-fuzz.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(scratch) == NULL)
		fuzz_index_fail(scratch, NULL);
	atexit(fuzz_index_remove);
	snprintf(db, sizeof(db), "%s/index.sqlite3", scratch);
	fuzz_index_build(db);
	if (store_open(db, STORE_READER, &reader, &why) != 0)
		fuzz_index_fail(db, why);
	if (search_attach(reader) != 0)
		fuzz_index_fail("search_attach", NULL);
	return reader;
}
