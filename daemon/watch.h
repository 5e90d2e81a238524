/*
 * watch.h: one inotify descriptor, read from the libuv loop, with a watch
 * on every directory of the content tree. It reports paths that may have
 * changed; it does not read files or decide what they hold.
 */
#ifndef EPSEARCHD_WATCH_H
#define EPSEARCHD_WATCH_H

#include <uv.h>

struct watch;

struct watch_events {
	/* A path (relative to the root) that may have changed: a file, or a
	 * directory to scan whole. */
	void (*changed)(void *arg, const char *path);
	/* Events were lost: the whole tree must be compared again. */
	void (*lost)(void *arg, const char *why);
	void *arg;
};

struct watch_stats {
	long directories;	/* directories watched */
	long unwatched;		/* directories that could not be watched */
	const char *degraded;	/* why some changes may be missed, or NULL */
};

/*
 * Watches every directory under root. max_watches > 0 pretends the
 * system allows no more than that many (for tests of the limit). Returns
 * 0 and *out, or a negative errno with *errmsg set.
 */
int watch_start(uv_loop_t *loop, const char *root,
		const struct watch_events *events, long max_watches,
		struct watch **out, char **errmsg);

/* Reads every event already queued, now, and reports it. */
void watch_drain(struct watch *w);

/*
 * Tries again to watch the directories that could not be watched, and
 * watches any the tree gained unseen. Returns how many are still not.
 */
long watch_retry(struct watch *w);

/* Throws away the queued events and reports them lost, as the kernel does
 * on IN_Q_OVERFLOW (for tests of the recovery). */
void watch_inject_overflow(struct watch *w);

void watch_stats(const struct watch *w, struct watch_stats *stats);

/* Stops watching; frees w once libuv released its handle. */
void watch_stop(struct watch *w);

#endif
