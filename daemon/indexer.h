/*
 * indexer.h: keeps the index in step with the content tree. All writing
 * happens on libuv's worker pool, one batch at a time, through the one
 * writer connection; the loop thread only asks for batches and hears when
 * each is committed, so searches never wait behind a large batch.
 */
#ifndef EPSEARCHD_INDEXER_H
#define EPSEARCHD_INDEXER_H

#include <uv.h>

struct indexer;

/* Called on the loop thread after each batch ends, committed or not. */
typedef void (*indexer_batch_cb)(void *arg);

/*
 * Opens (creating, or rebuilding when it is not a usable index) the
 * database at db_path for the tree at root. Returns 0 and *out, or a
 * negative errno with *errmsg set. Nothing is scanned until asked.
 */
int indexer_open(uv_loop_t *loop, const char *root, const char *db_path,
		 indexer_batch_cb on_batch, void *arg, struct indexer **out,
		 char **errmsg);

/* Asks for a full scan of the tree; runs now or after the current batch. */
void indexer_scan_all(struct indexer *ix);

/* Whether the first full scan has ended (searches wait until then). */
int indexer_ready(const struct indexer *ix);

/* Whether a batch is being written or waiting to be. */
int indexer_busy(const struct indexer *ix);

/* Rises by one with every committed batch. */
unsigned long long indexer_generation(const struct indexer *ix);

/* Why the last batch failed, or NULL when it did not. */
const char *indexer_last_error(const struct indexer *ix);

/*
 * Stops asking for batches and frees the indexer once the batch in
 * flight, if any, has ended; the database is closed then.
 */
void indexer_close(struct indexer *ix);

#endif
