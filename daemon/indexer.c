/*
 * indexer.c: runs batches on libuv's worker pool; see indexer.h. The
 * writer connection is touched only by the one batch in flight, or by the
 * loop thread while none is. A batch is either the whole tree or a list of
 * paths; the loop thread hands its list over when the batch starts and
 * takes nothing back until it ends.
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

#define LATENCY_SAMPLES 512

struct change {
	char *path;
	double noted_ms; /* when the event arrived */
};

struct changes {
	struct change *items;
	size_t count;
	size_t cap;
};

struct indexer {
	uv_loop_t *loop;
	char *root;
	char *next_root; /* the tree to move to once no batch is in flight */
	struct store *writer;
	indexer_batch_cb on_batch;
	void *arg;
	void (*on_progress)(void *arg, long files);
	void *progress_arg;
	uv_timer_t window;
	uv_timer_t recheck_timer; /* looks again at unsettled files */
	int open_timers;
	struct changes unsettled; /* written by the batch in flight */
	struct changes recheck;

	uv_work_t work;
	int in_flight;
	int want_full;
	int ready;	/* the first full scan ended */
	int closing;
	unsigned long long started;	/* batches started */
	unsigned long long ended;	/* batches ended */
	unsigned long long generation;	/* batches committed */
	char *last_error;
	struct changes pending;

	/* The batch in flight: set before it starts, read after it ends. */
	int batch_full;
	struct changes batch;
	struct scan_report report;
	char *batch_error;
	double batch_ms;

	double latencies[LATENCY_SAMPLES];
	long latency_count;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
changes_clear(struct changes *c)
{
	size_t i;

	for (i = 0; i < c->count; i++)
		free(c->items[i].path);
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static int
changes_add(struct changes *c, const char *path, double noted_ms)
{
	struct change *grown;

	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		grown = realloc(c->items, c->cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		c->items = grown;
	}
	c->items[c->count].path = strdup(path);
	c->items[c->count].noted_ms = noted_ms;
	return c->items[c->count++].path ? 0 : -ENOMEM;
}

static int
compare_changes(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->noted_ms > y->noted_ms) - (x->noted_ms < y->noted_ms);
}

/* Sorts by path and keeps one entry per path, the earliest. */
static void
changes_unique(struct changes *c)
{
	size_t i, kept = 0;

	if (c->count == 0)
		return;
	qsort(c->items, c->count, sizeof(*c->items), compare_changes);
	for (i = 0; i < c->count; i++) {
		if (kept && strcmp(c->items[kept - 1].path,
				   c->items[i].path) == 0)
			free(c->items[i].path);
		else
			c->items[kept++] = c->items[i];
	}
	c->count = kept;
}

/* On the worker: a broken file that may still be being written. */
static void
indexer_unsettled(void *arg, const char *path)
{
	struct indexer *ix = arg;

	changes_add(&ix->unsettled, path, now_ms());
}

/* On the worker: passes scan progress on to whoever asked for it. */
static void
indexer_progress(void *arg, long files)
{
	struct indexer *ix = arg;

	if (ix->on_progress)
		ix->on_progress(ix->progress_arg, files);
}

static void
indexer_work(uv_work_t *req)
{
	struct indexer *ix = req->data;
	const char **paths = NULL;
	double start = now_ms();
	size_t i;

	memset(&ix->report, 0, sizeof(ix->report));
	ix->report.on_error = log_file_error;
	ix->report.on_unsettled = indexer_unsettled;
	ix->report.arg = ix;
	ix->batch_error = NULL;
	if (ix->batch_full) {
		ix->report.on_progress = indexer_progress;
		scan_tree(ix->writer, ix->root, &ix->report, &ix->batch_error);
	} else {
		paths = malloc(ix->batch.count * sizeof(*paths));
		for (i = 0; paths && i < ix->batch.count; i++)
			paths[i] = ix->batch.items[i].path;
		if (paths == NULL || scan_paths(ix->writer, ix->root, paths,
						ix->batch.count, &ix->report,
						&ix->batch_error) == -ENOMEM)
			ix->batch_error = ix->batch_error
						  ? ix->batch_error
						  : strdup("out of memory");
		free(paths);
	}
	ix->batch_ms = now_ms() - start;
}

static void
indexer_free(struct indexer *ix)
{
	store_close(ix->writer);
	changes_clear(&ix->pending);
	changes_clear(&ix->batch);
	changes_clear(&ix->unsettled);
	changes_clear(&ix->recheck);
	free(ix->last_error);
	free(ix->root);
	free(ix->next_root);
	free(ix);
}

static void
indexer_record_latency(struct indexer *ix, double committed_ms)
{
	size_t i;

	for (i = 0; i < ix->batch.count; i++)
		ix->latencies[ix->latency_count++ % LATENCY_SAMPLES] =
			committed_ms - ix->batch.items[i].noted_ms;
}

static void
indexer_report(struct indexer *ix)
{
	const struct scan_report *r = &ix->report;

	free(ix->last_error);
	ix->last_error = ix->batch_error;
	ix->batch_error = NULL;
	if (ix->last_error) {
		log_error("indexing %s failed, the index is as it was: %s",
			  ix->root, ix->last_error);
		return;
	}
	ix->generation++;
	indexer_record_latency(ix, now_ms());
	log_msg(ix->batch_full ? LOG_INFO : LOG_DEBUG,
		"%s %ld files in %.0f ms: %ld indexed, %ld unchanged, "
		"%ld removed, %ld failed",
		ix->batch_full ? "scanned" : "updated", r->files, ix->batch_ms,
		r->indexed, r->unchanged, r->removed, r->failed);
}

static void indexer_next(struct indexer *ix);

static void
indexer_closed(uv_handle_t *handle)
{
	struct indexer *ix = handle->data;

	if (--ix->open_timers == 0)
		indexer_free(ix);
}

static void
indexer_close_timers(struct indexer *ix)
{
	uv_close((uv_handle_t *)&ix->window, indexer_closed);
	uv_close((uv_handle_t *)&ix->recheck_timer, indexer_closed);
}

static void
indexer_recheck_cb(uv_timer_t *timer)
{
	struct indexer *ix = timer->data;
	size_t i;

	for (i = 0; i < ix->recheck.count; i++)
		indexer_note_path(ix, ix->recheck.items[i].path);
	changes_clear(&ix->recheck);
}

/* Files that looked half-written are looked at again once settled. */
static void
indexer_schedule_recheck(struct indexer *ix)
{
	size_t i;

	for (i = 0; i < ix->unsettled.count; i++)
		changes_add(&ix->recheck, ix->unsettled.items[i].path, 0);
	changes_clear(&ix->unsettled);
	if (ix->recheck.count &&
	    !uv_is_active((uv_handle_t *)&ix->recheck_timer))
		uv_timer_start(&ix->recheck_timer, indexer_recheck_cb,
			       SCAN_SETTLE_SECONDS * 1000, 0);
}

static void
indexer_after_work(uv_work_t *req, int status)
{
	struct indexer *ix = req->data;

	ix->in_flight = 0;
	ix->ended++;
	if (ix->closing) {
		free(ix->batch_error);
		indexer_close_timers(ix);
		return;
	}
	indexer_report(ix);
	indexer_schedule_recheck(ix);
	if (ix->batch_full)
		ix->ready = 1;
	changes_clear(&ix->batch);
	indexer_next(ix);
	ix->on_batch(ix->arg);
}

/* Moves to the tree indexer_set_root asked for; no batch is in flight. */
static void
indexer_move(struct indexer *ix)
{
	free(ix->root);
	ix->root = ix->next_root;
	ix->next_root = NULL;
	changes_clear(&ix->pending); /* relative to the old tree */
	ix->want_full = 1;
	ix->ready = 0;
}

/* Starts the next batch if one is wanted and none is running. */
static void
indexer_next(struct indexer *ix)
{
	if (!ix->in_flight && ix->next_root)
		indexer_move(ix);
	if (ix->in_flight || ix->closing ||
	    (!ix->want_full && ix->pending.count == 0))
		return;
	uv_timer_stop(&ix->window);
	ix->batch_full = ix->want_full;
	ix->want_full = 0;
	ix->batch = ix->pending;
	memset(&ix->pending, 0, sizeof(ix->pending));
	changes_unique(&ix->batch);
	ix->in_flight = 1;
	ix->started++;
	ix->work.data = ix;
	if (uv_queue_work(ix->loop, &ix->work, indexer_work,
			  indexer_after_work) != 0) {
		log_error("cannot queue an indexing batch");
		ix->in_flight = 0;
		ix->ended++;
	}
}

static void
indexer_window_cb(uv_timer_t *timer)
{
	indexer_next(timer->data);
}

void
indexer_note_path(struct indexer *ix, const char *path)
{
	if (changes_add(&ix->pending, path, now_ms()) != 0) {
		log_error("out of memory noting %s; comparing the whole tree",
			  path);
		ix->want_full = 1;
	}
	if (!ix->in_flight && !uv_is_active((uv_handle_t *)&ix->window))
		uv_timer_start(&ix->window, indexer_window_cb,
			       INDEXER_WINDOW_MS, 0);
}

void
indexer_on_progress(struct indexer *ix,
		    void (*on_progress)(void *arg, long files), void *arg)
{
	ix->on_progress = on_progress;
	ix->progress_arg = arg;
}

int
indexer_set_root(struct indexer *ix, const char *root)
{
	char *copy = strdup(root);

	if (copy == NULL)
		return -ENOMEM;
	free(ix->next_root);
	ix->next_root = copy;
	indexer_next(ix);
	return 0;
}

void
indexer_scan_all(struct indexer *ix)
{
	ix->want_full = 1;
	indexer_next(ix);
}

void
indexer_flush(struct indexer *ix)
{
	indexer_next(ix);
}

unsigned long long
indexer_ticket(const struct indexer *ix)
{
	/* Batches are numbered from 1 as they start; noted changes go to
	 * the next one to start, or are already in the one in flight. */
	return ix->started + (ix->want_full || ix->pending.count ? 1 : 0);
}

int
indexer_done(const struct indexer *ix, unsigned long long ticket)
{
	return ix->ended >= ticket;
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
	uv_timer_init(loop, &ix->window);
	uv_timer_init(loop, &ix->recheck_timer);
	ix->recheck_timer.data = ix;
	ix->open_timers = 2;
	ix->window.data = ix;
	*out = ix;
	return 0;
}

int
indexer_ready(const struct indexer *ix)
{
	return ix->ready;
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
indexer_stats(const struct indexer *ix, struct indexer_stats *stats)
{
	double sorted[LATENCY_SAMPLES];
	long n = ix->latency_count < LATENCY_SAMPLES ? ix->latency_count
						     : LATENCY_SAMPLES;

	memset(stats, 0, sizeof(*stats));
	stats->generation = ix->generation;
	stats->pending = (long)ix->pending.count;
	stats->busy = ix->in_flight || ix->want_full || ix->pending.count;
	stats->last_error = ix->last_error;
	stats->latency_samples = n;
	if (n == 0)
		return;
	memcpy(sorted, ix->latencies, (size_t)n * sizeof(double));
	qsort(sorted, (size_t)n, sizeof(double), compare_doubles);
	stats->latency_median_ms = sorted[n / 2];
	stats->latency_p99_ms = sorted[(n * 99) / 100 < n ? (n * 99) / 100
							  : n - 1];
}

void
indexer_close(struct indexer *ix)
{
	if (ix == NULL)
		return;
	ix->closing = 1;
	if (!ix->in_flight)
		indexer_close_timers(ix);
}
