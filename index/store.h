/*
 * store.h: the SQLite FTS5 index. One writer connection (the indexer's) and
 * any number of read-only connections (searches) share one WAL database.
 * The store knows files by their path relative to the content root.
 */
#ifndef EPSEARCH_STORE_H
#define EPSEARCH_STORE_H

#include <sqlite3.h>

#include "episode.h"
#include "frontmatter.h"

/* What the store remembers of a file to tell whether it changed. */
struct file_state {
	long long mtime_ns;
	long long size;
	unsigned long long hash;
};

enum store_mode {
	STORE_WRITER,
	STORE_READER,
};

struct store_counts {
	long long episodes;
	long long chapters;
	long long files;
	long long errors;
};

struct store;

/* Past this size the writer checkpoints and truncates the write-ahead log
 * (and SQLite truncates it to this size when it starts it over). */
#define STORE_WAL_LIMIT (4 * 1024 * 1024)
#define STORE_WAL_LIMIT_TEXT "4194304"

/*
 * Opens (a writer creates) the database at path. Returns 0 and *out, or a
 * negative errno-style code with *errmsg (the caller frees it) naming the
 * path and SQLite's reason. -EPROTO means the file is not a usable index.
 */
int store_open(const char *path, enum store_mode mode, struct store **out,
	       char **errmsg);

/* Closes the connection; NULL is fine. */
void store_close(struct store *st);

/*
 * Checks the whole database (PRAGMA quick_check) and the FTS5 index
 * (its integrity-check). Returns 0, -EPROTO with *errmsg (the caller frees
 * it) when either finds damage, or another code when the check itself
 * failed. Writer only.
 */
int store_check(struct store *st, char **errmsg);

/*
 * When the write-ahead log is over STORE_WAL_LIMIT, copies it into the
 * database and truncates it, without waiting for readers. Returns 0 when
 * the log is within the limit, -EBUSY when a reader on an old snapshot
 * kept it from shrinking (try again later), or another code. Writer only.
 */
int store_checkpoint(struct store *st);

/* Whether the last call on this connection met a damaged database. */
int store_is_corrupt(struct store *st);

/* The connection, for the query and search modules. */
sqlite3 *store_db(struct store *st);

/* The last SQLite message of this connection; owned by SQLite. */
const char *store_errmsg(struct store *st);

/* One transaction per batch. Each returns 0 or a negative code. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Fills *state for path; 0, -ENOENT when unknown, or another code. */
int store_file_state(struct store *st, const char *path,
		     struct file_state *state);

/*
 * Calls fn for every known path until it returns non-zero, which is then
 * returned; 0 when all were seen.
 */
int store_each_path(struct store *st,
		    int (*fn)(void *arg, const char *path), void *arg);

/* Replaces whatever the store had for path by ep. 0 or a negative code. */
int store_put_episode(struct store *st, const char *path,
		      const struct file_state *state,
		      const struct episode *ep);

/*
 * Records that path, as it is now, cannot be used. Rows already indexed for
 * it are kept, so the last good version stays searchable.
 */
int store_put_error(struct store *st, const char *path,
		    const struct file_state *state,
		    const struct parse_error *err);

/* Notes a new mtime for a file whose content did not change. */
int store_touch_file(struct store *st, const char *path,
		     const struct file_state *state);

/* Forgets path and everything indexed from it; unknown paths are fine. */
int store_delete_file(struct store *st, const char *path);

int store_counts(struct store *st, struct store_counts *counts);

/* Calls fn for each file that has an error, ordered by path. */
int store_each_error(struct store *st,
		     void (*fn)(void *arg, const char *path, int line,
				const char *message),
		     void *arg);

#endif
