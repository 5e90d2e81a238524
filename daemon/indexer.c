/*
 * indexer.c: runs batches on libuv's worker pool; see indexer.h. The
 * writer connection is touched only by the one batch in flight, or by the
 * loop thread while none is. A batch is either the whole tree or a list of
 * paths; the loop thread hands its list over when the batch starts and
 * takes nothing back until it ends.
 *
 * Faults: a batch that fails (disk full, I/O error) is rolled back and its
 * paths are kept aside, to be written with the next batch: one started by
 * the next change, or by the retry timer (1 s, doubling at each failed
 * retry up to 60 s). A sync=1 search does not wait for them: their batch
 * has ended, and the search answers from the index as it is.
 *
 * A damaged database (found by the check before the first batch, by a
 * batch, or by a search) is moved aside and rebuilt from the tree;
 * searches wait for the new one as they do for the first scan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "indexer.h"
#include "log.h"
#include "scan.h"
#include "store.h"

#define LATENCY_SAMPLES 512
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 60000
/* How often the loop asks again for a checkpoint a reader held up. */
#define CHECKPOINT_AGAIN_MS 5000

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
	char *db_path;
	struct store *writer; /* NULL when a rebuild could not open it */
	indexer_batch_cb on_batch;
	void *arg;
	void (*on_progress)(void *arg, long files);
	void *progress_arg;
	indexer_rebuild_cb on_rebuild;
	void *rebuild_arg;
	uv_timer_t window;
	uv_timer_t recheck_timer; /* looks again at unsettled files */
	uv_timer_t retry_timer;	  /* tries a failed batch again */
	uv_timer_t checkpoint_timer; /* while a reader holds the WAL big */
	int open_timers;
	unsigned retry_ms; /* the next backoff; 0 after a success */
	int want_retry;	   /* the retry timer fired */
	struct changes unsettled; /* written by the batch in flight */
	struct changes recheck;

	uv_work_t work;
	int in_flight;
	int want_full;
	int ready;	/* the first full scan ended */
	int closing;
	int check_first;  /* check the database before the next batch */
	int damaged;	  /* rebuild once no batch is in flight */
	int want_checkpoint;
	unsigned long long started;	/* batches started */
	unsigned long long ended;	/* batches ended */
	unsigned long long generation;	/* batches committed */
	char *last_error;
	struct changes pending;
	struct changes failed; /* paths of failed batches, for the next one */
	int failed_full;       /* a failed full scan, for the next batch */

	/* The batch in flight: set before it starts, read after it ends. */
	int batch_full;
	int batch_retry; /* started by the retry timer */
	int batch_checkpoint_only; /* no paths: only the WAL checkpoint */
	struct changes batch;
	struct scan_report report;
	int batch_rc;
	char *batch_error;
	double batch_ms;
	int wal_held; /* the checkpoint after it was held up by a reader */

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

/* On the worker: writes the paths of a batch; 0 or a negative code. */
static int
indexer_write_paths(struct indexer *ix)
{
	const char **paths = malloc(ix->batch.count * sizeof(*paths));
	size_t i;
	int rc;

	if (paths == NULL)
		return -ENOMEM;
	for (i = 0; i < ix->batch.count; i++)
		paths[i] = ix->batch.items[i].path;
	rc = scan_paths(ix->writer, ix->root, paths, ix->batch.count,
			&ix->report, &ix->batch_error);
	free(paths);
	return rc;
}

/* On the worker: the check before the first batch, then the batch. */
static int
indexer_write(struct indexer *ix)
{
	int rc;

	if (ix->check_first) {
		ix->check_first = 0;
		rc = store_check(ix->writer, &ix->batch_error);
		if (rc != 0)
			return rc;
	}
	if (ix->batch_full) {
		ix->report.on_progress = indexer_progress;
		return scan_tree(ix->writer, ix->root, &ix->report,
				 &ix->batch_error);
	}
	return indexer_write_paths(ix);
}

static void
indexer_work(uv_work_t *req)
{
	struct indexer *ix = req->data;
	double start = now_ms();

	memset(&ix->report, 0, sizeof(ix->report));
	ix->report.on_error = log_file_error;
	ix->report.on_unsettled = indexer_unsettled;
	ix->report.arg = ix;
	ix->batch_error = NULL;
	ix->batch_rc = ix->batch_checkpoint_only ? 0 : indexer_write(ix);
	if (ix->batch_rc != 0 && ix->batch_error == NULL)
		ix->batch_error = strdup(strerror(-ix->batch_rc));
	/* Even after a failure: a smaller log frees space on a full disk. */
	ix->wal_held = store_checkpoint(ix->writer) == -EBUSY;
	ix->batch_ms = now_ms() - start;
}

static void
indexer_free(struct indexer *ix)
{
	store_close(ix->writer);
	changes_clear(&ix->pending);
	changes_clear(&ix->failed);
	changes_clear(&ix->batch);
	changes_clear(&ix->unsettled);
	changes_clear(&ix->recheck);
	free(ix->last_error);
	free(ix->root);
	free(ix->next_root);
	free(ix->db_path);
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
	if (ix->batch_rc == -EPROTO) {
		log_error("the index %s is damaged: %s", ix->db_path,
			  ix->last_error);
		return;
	}
	if (ix->batch_rc == -ENOSPC) {
		log_error("indexing %s failed, the index is as it was: %s; "
			  "free space on the file system of %s (trying again "
			  "in %u s, or at the next change)",
			  ix->root, ix->last_error, ix->db_path,
			  ix->retry_ms / 1000);
		return;
	}
	if (ix->batch_rc != 0) {
		log_error("indexing %s failed, the index is as it was: %s "
			  "(trying again in %u s, or at the next change)",
			  ix->root, ix->last_error, ix->retry_ms / 1000);
		return;
	}
	if (ix->retry_ms)
		log_notice("indexing %s works again", ix->root);
	ix->retry_ms = 0;
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
	uv_close((uv_handle_t *)&ix->retry_timer, indexer_closed);
	uv_close((uv_handle_t *)&ix->checkpoint_timer, indexer_closed);
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
indexer_retry_cb(uv_timer_t *timer)
{
	struct indexer *ix = timer->data;

	ix->want_retry = 1;
	indexer_next(ix);
}

/*
 * A batch failed and was rolled back: its paths (or the full scan) go
 * with the next batch, which the retry timer starts unless a change
 * does first.
 */
static void
indexer_keep_failed(struct indexer *ix)
{
	size_t i;

	if (ix->batch_full)
		ix->failed_full = 1;
	for (i = 0; i < ix->batch.count; i++)
		if (changes_add(&ix->failed, ix->batch.items[i].path,
				ix->batch.items[i].noted_ms) != 0)
			ix->failed_full = 1;
	uv_timer_start(&ix->retry_timer, indexer_retry_cb, ix->retry_ms, 0);
}

/*
 * Chooses the wait before the retry timer tries again: it doubles only
 * when a retry of its own failed, not at each change met meanwhile.
 */
static void
indexer_back_off(struct indexer *ix)
{
	if (ix->retry_ms == 0)
		ix->retry_ms = RETRY_FIRST_MS;
	else if (ix->batch_retry)
		ix->retry_ms = ix->retry_ms * 2 < RETRY_MAX_MS
				       ? ix->retry_ms * 2
				       : RETRY_MAX_MS;
}

/* Adds what failed batches left to the batch about to start. */
static void
indexer_take_failed(struct indexer *ix)
{
	size_t i;

	if (ix->failed_full)
		ix->want_full = 1;
	for (i = 0; i < ix->failed.count; i++)
		if (changes_add(&ix->pending, ix->failed.items[i].path,
				ix->failed.items[i].noted_ms) != 0)
			ix->want_full = 1;
	changes_clear(&ix->failed);
	ix->failed_full = 0;
}

static void
indexer_checkpoint_cb(uv_timer_t *timer)
{
	struct indexer *ix = timer->data;

	ix->want_checkpoint = 1;
	indexer_next(ix);
}

/* While a reader keeps the log from shrinking, asks again now and then. */
static void
indexer_watch_wal(struct indexer *ix)
{
	if (!ix->wal_held)
		uv_timer_stop(&ix->checkpoint_timer);
	else if (!uv_is_active((uv_handle_t *)&ix->checkpoint_timer))
		uv_timer_start(&ix->checkpoint_timer, indexer_checkpoint_cb,
			       CHECKPOINT_AGAIN_MS, CHECKPOINT_AGAIN_MS);
}

/* Moves an unusable database aside so a new one can be built. */
static int
indexer_set_aside(const char *db_path, const char *why)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char from[4096], to[4096], name[64];
	long stamp = (long)time(NULL);
	struct stat sb;
	size_t i;
	int n;

	/* A name no earlier damaged copy holds: two in one second must not
	 * overwrite each other. */
	snprintf(name, sizeof(name), "broken-%ld", stamp);
	for (n = 1; n < 1000; n++) {
		snprintf(to, sizeof(to), "%s.%s", db_path, name);
		if (stat(to, &sb) != 0)
			break;
		snprintf(name, sizeof(name), "broken-%ld-%d", stamp, n);
	}
	for (i = 0; i < 3; i++) {
		snprintf(from, sizeof(from), "%s%s", db_path, suffixes[i]);
		snprintf(to, sizeof(to), "%s.%s%s", db_path, name, suffixes[i]);
		if (rename(from, to) != 0 && errno != ENOENT)
			return -errno;
	}
	log_warning("%s %s; moved it to %s.%s and rebuilding from the tree",
		    db_path, why, db_path, name);
	return 0;
}

/*
 * On the loop thread, no batch in flight: moves the damaged database
 * aside and starts a new one. Whoever reads it closes their connections
 * before and opens them again after (on_rebuild); searches wait for the
 * full scan of the new one.
 */
static void
indexer_rebuild(struct indexer *ix)
{
	char *why = NULL;
	int rc;

	ix->damaged = 0;
	ix->ready = 0;
	ix->want_full = 1;
	changes_clear(&ix->pending); /* the full scan covers them */
	changes_clear(&ix->failed);
	ix->failed_full = 0;
	if (ix->on_rebuild)
		ix->on_rebuild(ix->rebuild_arg, INDEXER_REBUILD_START);
	store_close(ix->writer);
	ix->writer = NULL;
	rc = indexer_set_aside(ix->db_path, "is damaged");
	if (rc == 0)
		rc = store_open(ix->db_path, STORE_WRITER, &ix->writer, &why);
	else if (asprintf(&why, "%s: cannot move aside: %s", ix->db_path,
			  strerror(-rc)) < 0)
		why = NULL;
	if (rc != 0) {
		log_error("cannot rebuild the index: %s",
			  why ? why : strerror(-rc));
		free(why);
	}
	if (ix->on_rebuild)
		ix->on_rebuild(ix->rebuild_arg, rc == 0
				? INDEXER_REBUILD_DONE
				: INDEXER_REBUILD_FAILED);
}

/* Handles what a batch that is not a checkpoint left behind. */
static void
indexer_after_batch(struct indexer *ix)
{
	if (ix->batch_rc == -EPROTO)
		ix->damaged = 1;
	else if (ix->batch_rc != 0)
		indexer_back_off(ix);
	indexer_report(ix);
	if (ix->batch_rc != 0 && !ix->damaged)
		indexer_keep_failed(ix);
	indexer_schedule_recheck(ix);
	if (ix->batch_full)
		ix->ready = 1;
	changes_clear(&ix->batch);
}

static void
indexer_after_work(uv_work_t *req, int status)
{
	struct indexer *ix = req->data;

	ix->in_flight = 0;
	if (!ix->batch_checkpoint_only)
		ix->ended++;
	if (ix->closing) {
		free(ix->batch_error);
		indexer_close_timers(ix);
		return;
	}
	indexer_watch_wal(ix);
	if (!ix->batch_checkpoint_only)
		indexer_after_batch(ix);
	if (ix->damaged)
		indexer_rebuild(ix);
	indexer_next(ix); /* what failed waits for the retry or a change */
	if (!ix->batch_checkpoint_only)
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
	changes_clear(&ix->failed);
	ix->failed_full = 0;
	ix->want_full = 1;
	ix->ready = 0;
}

/* Queues the batch set up in ix on the worker pool. */
static void
indexer_queue(struct indexer *ix)
{
	ix->in_flight = 1;
	if (!ix->batch_checkpoint_only)
		ix->started++;
	ix->work.data = ix;
	if (uv_queue_work(ix->loop, &ix->work, indexer_work,
			  indexer_after_work) != 0) {
		log_error("cannot queue an indexing batch");
		ix->in_flight = 0;
		if (!ix->batch_checkpoint_only)
			ix->ended++;
	}
}

/* Starts the next batch if one is wanted and none is running. */
static void
indexer_next(struct indexer *ix)
{
	int wanted;

	if (!ix->in_flight && ix->next_root)
		indexer_move(ix);
	wanted = ix->want_full || ix->pending.count || ix->want_checkpoint ||
		 ix->want_retry;
	if (ix->in_flight || ix->closing || ix->writer == NULL || !wanted)
		return;
	uv_timer_stop(&ix->window);
	ix->batch_checkpoint_only = !ix->want_full && ix->pending.count == 0 &&
				    !ix->want_retry;
	if (!ix->batch_checkpoint_only) {
		uv_timer_stop(&ix->retry_timer);
		indexer_take_failed(ix);
	}
	ix->batch_retry = ix->want_retry;
	ix->want_retry = ix->want_checkpoint = 0;
	ix->batch_full = ix->want_full;
	ix->want_full = 0;
	ix->batch = ix->pending;
	memset(&ix->pending, 0, sizeof(ix->pending));
	changes_unique(&ix->batch);
	indexer_queue(ix);
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

static int
indexer_open_store(const char *db_path, struct store **out, char **errmsg)
{
	int rc = store_open(db_path, STORE_WRITER, out, errmsg);

	if (rc != -EPROTO)
		return rc;
	log_warning("%s", *errmsg);
	free(*errmsg);
	*errmsg = NULL;
	rc = indexer_set_aside(db_path, "is not a usable index");
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
	if (ix == NULL || (ix->root = strdup(root)) == NULL ||
	    (ix->db_path = strdup(db_path)) == NULL) {
		if (ix)
			free(ix->root);
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
	uv_timer_init(loop, &ix->retry_timer);
	uv_timer_init(loop, &ix->checkpoint_timer);
	ix->window.data = ix->recheck_timer.data = ix;
	ix->retry_timer.data = ix->checkpoint_timer.data = ix;
	ix->open_timers = 4;
	ix->check_first = 1;
	*out = ix;
	return 0;
}

void
indexer_on_rebuild(struct indexer *ix, indexer_rebuild_cb on_rebuild,
		   void *arg)
{
	ix->on_rebuild = on_rebuild;
	ix->rebuild_arg = arg;
}

void
indexer_damaged(struct indexer *ix)
{
	if (ix->damaged || ix->closing)
		return;
	log_error("the index %s is damaged: a read met a malformed page",
		  ix->db_path);
	ix->damaged = 1;
	ix->ready = 0; /* searches wait for the rebuilt index */
	if (ix->in_flight)
		return; /* rebuilt when the batch in flight ends */
	indexer_rebuild(ix);
	indexer_next(ix);
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
	stats->pending = (long)(ix->pending.count + ix->failed.count);
	stats->busy = (ix->in_flight && !ix->batch_checkpoint_only) ||
		      ix->want_full || ix->pending.count || ix->failed.count ||
		      ix->failed_full;
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
