/*
 * indexer.c: runs scans of the content tree on libuv's worker pool; see
 * indexer.h. The writer connection is touched only by the one batch in
 * flight, or by the loop thread while none is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "indexer.h"
#include "log.h"
#include "scan.h"
#include "store.h"

struct indexer {
	uv_loop_t *loop;
	char *root;
	struct store *writer;
	indexer_batch_cb on_batch;
	void *arg;

	uv_work_t work;
	int in_flight;	   /* a batch is on the worker pool */
	int want_full;	   /* a full scan was asked for */
	int ready;	   /* the first full scan ended */
	int closing;	   /* indexer_close was called */
	unsigned long long generation;
	char *last_error;

	/* Written by the worker, read after it ends. */
	struct scan_report report;
	char *batch_error;
	double batch_ms;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Each file that cannot be used is logged once, when it is first seen. */
static void
indexer_file_error(void *arg, const char *path, const struct parse_error *err)
{
	if (err->line > 0)
		log_warning("%s:%d: %s", path, err->line, err->message);
	else
		log_warning("%s: %s", path, err->message);
}

static void
indexer_work(uv_work_t *req)
{
	struct indexer *ix = req->data;
	double start = now_ms();

	memset(&ix->report, 0, sizeof(ix->report));
	ix->report.on_error = indexer_file_error;
	ix->batch_error = NULL;
	scan_tree(ix->writer, ix->root, &ix->report, &ix->batch_error);
	ix->batch_ms = now_ms() - start;
}

static void
indexer_free(struct indexer *ix)
{
	store_close(ix->writer);
	free(ix->last_error);
	free(ix->root);
	free(ix);
}

static void indexer_next(struct indexer *ix);

static void
indexer_report(struct indexer *ix)
{
	const struct scan_report *r = &ix->report;

	free(ix->last_error);
	ix->last_error = ix->batch_error;
	if (ix->last_error) {
		log_error("indexing %s failed: %s", ix->root, ix->last_error);
		return;
	}
	ix->generation++;
	log_info("scanned %ld files in %.0f ms: %ld indexed, %ld unchanged, "
		 "%ld removed, %ld failed",
		 r->files, ix->batch_ms, r->indexed, r->unchanged, r->removed,
		 r->failed);
}

static void
indexer_after_work(uv_work_t *req, int status)
{
	struct indexer *ix = req->data;

	ix->in_flight = 0;
	if (ix->closing) {
		free(ix->batch_error);
		indexer_free(ix);
		return;
	}
	indexer_report(ix);
	ix->ready = 1;
	indexer_next(ix);
	ix->on_batch(ix->arg);
}

/* Starts the next batch if one is wanted and none is running. */
static void
indexer_next(struct indexer *ix)
{
	if (ix->in_flight || ix->closing || !ix->want_full)
		return;
	ix->want_full = 0;
	ix->in_flight = 1;
	ix->work.data = ix;
	if (uv_queue_work(ix->loop, &ix->work, indexer_work,
			  indexer_after_work) != 0) {
		ix->in_flight = 0;
		log_error("cannot queue an indexing batch");
	}
}

void
indexer_scan_all(struct indexer *ix)
{
	ix->want_full = 1;
	indexer_next(ix);
}

/* Moves an unusable database aside so a new one can be built. */
static int
indexer_set_aside(const char *db_path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char from[4096], to[4096];
	long stamp = (long)time(NULL);
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s%s", db_path, suffixes[i]);
		snprintf(to, sizeof(to), "%s.broken-%ld%s", db_path, stamp,
			 suffixes[i]);
		if (rename(from, to) != 0 && errno != ENOENT)
			return -errno;
	}
	log_warning("%s is not a usable index; moved it to %s.broken-%ld and "
		    "rebuilding from the tree",
		    db_path, db_path, stamp);
	return 0;
}

static int
indexer_open_store(const char *db_path, struct store **out, char **errmsg)
{
	int rc = store_open(db_path, STORE_WRITER, out, errmsg);

	if (rc != -EPROTO)
		return rc;
	log_warning("%s", *errmsg);
	free(*errmsg);
	*errmsg = NULL;
	rc = indexer_set_aside(db_path);
	if (rc != 0) {
		if (asprintf(errmsg, "%s: cannot move aside: %s", db_path,
			     strerror(-rc)) < 0)
			*errmsg = NULL;
		return rc;
	}
	return store_open(db_path, STORE_WRITER, out, errmsg);
}

int
indexer_open(uv_loop_t *loop, const char *root, const char *db_path,
	     indexer_batch_cb on_batch, void *arg, struct indexer **out,
	     char **errmsg)
{
	struct indexer *ix = calloc(1, sizeof(*ix));
	int rc;

	*out = NULL;
	if (ix == NULL || (ix->root = strdup(root)) == NULL) {
		free(ix);
		return -ENOMEM;
	}
	ix->loop = loop;
	ix->on_batch = on_batch;
	ix->arg = arg;
	rc = indexer_open_store(db_path, &ix->writer, errmsg);
	if (rc != 0) {
		indexer_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

int
indexer_ready(const struct indexer *ix)
{
	return ix->ready;
}

int
indexer_busy(const struct indexer *ix)
{
	return ix->in_flight || ix->want_full;
}

unsigned long long
indexer_generation(const struct indexer *ix)
{
	return ix->generation;
}

const char *
indexer_last_error(const struct indexer *ix)
{
	return ix->last_error;
}

void
indexer_close(struct indexer *ix)
{
	if (ix == NULL)
		return;
	ix->closing = 1;
	if (!ix->in_flight)
		indexer_free(ix);
}
