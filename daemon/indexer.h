/*
 * indexer.h: keeps the index in step with the content tree. All writing
 * happens on libuv's worker pool, one batch at a time, through the one
 * writer connection; the loop thread only collects changed paths, asks for
 * batches and hears when each is committed, so searches never wait behind
 * a large batch.
 *
 * Changed paths are coalesced for a short window and written in one
 * transaction per batch. A ticket names the batch that will cover every
 * change noted so far, which is how a request reads its own writes.
 */
#ifndef EPSEARCHD_INDEXER_H
#define EPSEARCHD_INDEXER_H

#include <uv.h>

/* How long changes are gathered before a batch starts. */
#define INDEXER_WINDOW_MS 10

struct indexer;

/* Called on the loop thread after each batch ends, committed or not. */
typedef void (*indexer_batch_cb)(void *arg);

enum indexer_rebuild_phase {
	INDEXER_REBUILD_START,	/* close all other connections to it */
	INDEXER_REBUILD_DONE,	/* a new one is there: open them again */
	INDEXER_REBUILD_FAILED, /* no new one could be made (logged) */
};

/* Called on the loop thread around the rebuild of a damaged index. */
typedef void (*indexer_rebuild_cb)(void *arg,
				   enum indexer_rebuild_phase phase);

struct indexer_stats {
	unsigned long long generation; /* committed batches */
	long pending;		       /* paths waiting for a batch */
	int busy;		       /* a batch is running or wanted */
	double latency_median_ms;      /* change to searchable, recent */
	double latency_p99_ms;
	long latency_samples;
	const char *last_error; /* why the last batch failed, or NULL */
};

/*
 * Opens (creating, or rebuilding when it is not a usable index) the
 * database at db_path for the tree at root. Returns 0 and *out, or a
 * negative errno with *errmsg set. Nothing is scanned until asked; the
 * first batch checks the database first (store_check).
 */
int indexer_open(uv_loop_t *loop, const char *root, const char *db_path,
		 indexer_batch_cb on_batch, void *arg, struct indexer **out,
		 char **errmsg);

/*
 * Calls on_progress(arg, files) during full scans, on the worker thread,
 * every SCAN_PROGRESS_EVERY files looked at.
 */
void indexer_on_progress(struct indexer *ix,
			 void (*on_progress)(void *arg, long files),
			 void *arg);

/*
 * Calls on_rebuild(arg, phase) when a damaged database is moved aside and
 * a new one built in its place; see enum indexer_rebuild_phase.
 */
void indexer_on_rebuild(struct indexer *ix, indexer_rebuild_cb on_rebuild,
			void *arg);

/*
 * Notes that a reader met a damaged database (store_is_corrupt): it is
 * moved aside and rebuilt from the tree, now or once the batch in flight
 * has ended, and searches wait until the new one is scanned.
 */
void indexer_damaged(struct indexer *ix);

/*
 * Moves to another content tree: changes noted so far are dropped, the
 * batch in flight ends on the old tree, and searches wait again until a
 * full scan of the new one has ended. Returns 0 or -ENOMEM.
 */
int indexer_set_root(struct indexer *ix, const char *root);

/* Asks for a full comparison of the tree with the index. */
void indexer_scan_all(struct indexer *ix);

/* Notes a path (relative to the root) that may have changed. */
void indexer_note_path(struct indexer *ix, const char *path);

/* Starts the pending batch now instead of after the window. */
void indexer_flush(struct indexer *ix);

/* The batch that will cover every change noted so far. */
unsigned long long indexer_ticket(const struct indexer *ix);

/* Whether the batch of a ticket has ended. */
int indexer_done(const struct indexer *ix, unsigned long long ticket);

/* Whether the first full scan has ended (searches wait until then). */
int indexer_ready(const struct indexer *ix);

void indexer_stats(const struct indexer *ix, struct indexer_stats *stats);

/*
 * Stops asking for batches and frees the indexer once the batch in
 * flight, if any, has ended; the database is closed then.
 */
void indexer_close(struct indexer *ix);

#endif
