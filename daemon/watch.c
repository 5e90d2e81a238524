/*
 * watch.c: the content tree's inotify watches; see watch.h.
 *
 * Each watch descriptor maps to the directory's path relative to the root.
 * A new directory is watched first and reported second, so a file created
 * in it between the two is either seen by the scan or raises an event. A
 * directory renamed inside the tree keeps its watches: the MOVED_FROM and
 * MOVED_TO halves are paired by cookie and the paths below it rewritten. A
 * half left unpaired at the end of a read is a move out of (or into) the
 * tree.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "scan.h"
#include "watch.h"

#define WATCH_DIR_MASK                                                       \
	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |            \
	 IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR |             \
	 IN_DONT_FOLLOW | IN_EXCL_UNLINK)

/* A directory's MOVED_FROM, waiting for the MOVED_TO of the same cookie. */
struct moved_dir {
	uint32_t cookie;
	char *path;
};

struct watch {
	uv_poll_t poll;
	int fd;
	char *root;
	struct watch_events events;
	long max_watches; /* 0: as many as the system allows */

	char **paths; /* paths[wd]: the directory, or NULL */
	unsigned *seen; /* seen[wd]: the last walk that found it */
	unsigned walk;	/* the number of the current walk */
	int path_cap;
	long directories;

	char **unwatched; /* directories refused for the watch limit */
	long unwatched_count;
	char degraded[256];
	int advised; /* the limit was reported since all were last watched */

	struct moved_dir moved; /* at most one half-pair at a time */
};

static char *
join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s%s%s", dir, *dir && name ? "/" : "",
		     name ? name : "") < 0)
		return NULL;
	return p;
}

static int
watch_remember(struct watch *w, int wd, const char *rel)
{
	unsigned *seen;
	char **grown;
	int cap;

	if (wd >= w->path_cap) {
		cap = wd * 2 + 64;
		grown = realloc(w->paths, (size_t)cap * sizeof(*grown));
		if (grown)
			w->paths = grown;
		seen = realloc(w->seen, (size_t)cap * sizeof(*seen));
		if (seen)
			w->seen = seen;
		if (grown == NULL || seen == NULL)
			return -ENOMEM;
		memset(grown + w->path_cap, 0,
		       (size_t)(cap - w->path_cap) * sizeof(*grown));
		memset(seen + w->path_cap, 0,
		       (size_t)(cap - w->path_cap) * sizeof(*seen));
		w->path_cap = cap;
	}
	if (w->paths[wd] == NULL)
		w->directories++;
	free(w->paths[wd]);
	w->paths[wd] = strdup(rel);
	w->seen[wd] = w->walk;
	return w->paths[wd] ? 0 : -ENOMEM;
}

static void
watch_forget(struct watch *w, int wd)
{
	if (wd < 0 || wd >= w->path_cap || w->paths[wd] == NULL)
		return;
	free(w->paths[wd]);
	w->paths[wd] = NULL;
	w->directories--;
}

/* Notes a directory the limit refused, and says once what to change. */
static void
watch_refused(struct watch *w, const char *rel)
{
	char **grown;

	grown = realloc(w->unwatched,
			(size_t)(w->unwatched_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	w->unwatched = grown;
	w->unwatched[w->unwatched_count++] = strdup(rel);
	if (w->degraded[0] == '\0')
		snprintf(w->degraded, sizeof(w->degraded),
		 "inotify watch limit reached at %ld directories; changes in "
		 "the others are found by a sweep",
		 w->directories);
	if (w->advised)
		return;
	w->advised = 1;
	log_warning("cannot watch %s/%s: the inotify watch limit is reached; "
		    "raise fs.inotify.max_user_watches to at least %ld "
		    "(sysctl -w fs.inotify.max_user_watches=%ld); until then "
		    "unwatched directories are swept periodically",
		    w->root, rel, (w->directories + 1024) * 2,
		    (w->directories + 1024) * 2);
}

/* Watches one directory; 0, or -ENOSPC when the limit refused it. */
static int
watch_add_one(struct watch *w, const char *rel)
{
	char *full = join(w->root, *rel ? rel : NULL);
	int wd;

	if (full == NULL)
		return -ENOMEM;
	wd = inotify_add_watch(w->fd, full, WATCH_DIR_MASK);
	free(full);
	/* The test limit refuses new watches only, as the kernel does. */
	if (wd >= 0 && w->max_watches > 0 && w->directories >= w->max_watches &&
	    (wd >= w->path_cap || w->paths[wd] == NULL)) {
		inotify_rm_watch(w->fd, wd);
		wd = -1;
		errno = ENOSPC;
	}
	if (wd >= 0)
		return watch_remember(w, wd, rel);
	if (errno == ENOSPC) {
		watch_refused(w, rel);
		return -ENOSPC;
	}
	return 0; /* vanished or not a directory any more: nothing to watch */
}

/* Whether an entry is a directory; a link to one is not. */
static int
is_directory(struct watch *w, const struct dirent *de, const char *rel)
{
	struct stat sb;
	char *full;
	int dir;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	full = join(w->root, rel);
	dir = full && lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(full);
	return dir;
}

/* Watches rel and every directory below it that is not hidden. */
static void
watch_add_tree(struct watch *w, const char *rel)
{
	struct dirent *de;
	char *full, *child;
	DIR *dir;

	watch_add_one(w, rel);
	full = join(w->root, *rel ? rel : NULL);
	dir = full ? opendir(full) : NULL;
	free(full);
	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		child = join(rel, de->d_name);
		if (child && is_directory(w, de, child))
			watch_add_tree(w, child);
		free(child);
	}
	closedir(dir);
}

/* Whether path is dir or lies below it. */
static int
is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
					      path[n] == '/');
}

/* Stops watching dir and everything below it (moved out of the tree). */
static void
watch_remove_tree(struct watch *w, const char *dir)
{
	int wd;

	for (wd = 0; wd < w->path_cap; wd++) {
		if (w->paths[wd] && is_under(w->paths[wd], dir)) {
			inotify_rm_watch(w->fd, wd);
			watch_forget(w, wd);
		}
	}
}

/* Rewrites the paths below from to lie below to (renamed in the tree). */
static void
watch_rename_tree(struct watch *w, const char *from, const char *to)
{
	size_t n = strlen(from);
	char *moved;
	int wd;

	for (wd = 0; wd < w->path_cap; wd++) {
		if (w->paths[wd] == NULL || !is_under(w->paths[wd], from))
			continue;
		if (asprintf(&moved, "%s%s", to, w->paths[wd] + n) < 0)
			continue;
		free(w->paths[wd]);
		w->paths[wd] = moved;
	}
}

/* Ends a half-pair: a directory moved away and not back into the tree. */
static void
watch_settle_move(struct watch *w)
{
	if (w->moved.path == NULL)
		return;
	watch_remove_tree(w, w->moved.path);
	w->events.changed(w->events.arg, w->moved.path);
	free(w->moved.path);
	w->moved.path = NULL;
}

static void
watch_dir_event(struct watch *w, const struct inotify_event *ev,
		const char *rel)
{
	if (ev->mask & IN_MOVED_FROM) {
		watch_settle_move(w);
		w->moved.cookie = ev->cookie;
		w->moved.path = strdup(rel);
		return;
	}
	if ((ev->mask & IN_MOVED_TO) && w->moved.path &&
	    w->moved.cookie == ev->cookie) {
		watch_rename_tree(w, w->moved.path, rel);
		w->events.changed(w->events.arg, w->moved.path);
		free(w->moved.path);
		w->moved.path = NULL;
	} else if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
		watch_add_tree(w, rel); /* first watch, then scan */
	}
	if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_DELETE))
		w->events.changed(w->events.arg, rel);
}

/* A new name that no write will close: a second hard link. */
static int
created_complete(struct watch *w, const char *rel)
{
	char *full = join(w->root, rel);
	struct stat sb;
	int complete;

	complete = full && lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) &&
		   sb.st_nlink > 1;
	free(full);
	return complete;
}

static void
watch_file_event(struct watch *w, const struct inotify_event *ev,
		 const char *rel)
{
	const uint32_t now = IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM |
			     IN_MOVED_TO | IN_ATTRIB;

	if (!scan_is_episode_name(ev->name))
		return;
	/* A created file is read when its writer closes it, not before. */
	if ((ev->mask & now) ||
	    ((ev->mask & IN_CREATE) && created_complete(w, rel)))
		w->events.changed(w->events.arg, rel);
}

static void
watch_event(struct watch *w, const struct inotify_event *ev)
{
	const char *dir;
	char *rel;

	if (ev->mask & IN_Q_OVERFLOW) {
		w->events.lost(w->events.arg, "the inotify queue overflowed");
		return;
	}
	if (ev->wd < 0 || ev->wd >= w->path_cap || !w->paths[ev->wd])
		return;
	dir = w->paths[ev->wd];
	if (ev->mask & IN_IGNORED) {
		watch_forget(w, ev->wd);
		return;
	}
	if (ev->mask & IN_DELETE_SELF) {
		if (*dir == '\0')
			w->events.lost(w->events.arg,
				       "the content directory was removed");
		return;
	}
	if (ev->len == 0 || ev->name[0] == '.')
		return;
	rel = join(dir, ev->name);
	if (rel == NULL) {
		w->events.lost(w->events.arg, "out of memory");
		return;
	}
	if (ev->mask & IN_ISDIR)
		watch_dir_event(w, ev, rel);
	else
		watch_file_event(w, ev, rel);
	free(rel);
}

void
watch_drain(struct watch *w)
{
	char buf[65536]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			watch_event(w, ev);
		}
		watch_settle_move(w);
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		w->events.lost(w->events.arg, strerror(errno));
}

static void
watch_poll_cb(uv_poll_t *poll, int status, int events)
{
	watch_drain(poll->data);
}

void
watch_inject_overflow(struct watch *w)
{
	char buf[65536];

	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	log_warning("test hook: dropped the queued inotify events");
	w->events.lost(w->events.arg, "the inotify queue overflowed");
}

/* Drops the watches the last walk did not find: directories deleted or
 * moved out of the tree while their events were lost. */
static void
watch_drop_unseen(struct watch *w)
{
	int wd;

	for (wd = 0; wd < w->path_cap; wd++) {
		if (w->paths[wd] && w->seen[wd] != w->walk) {
			inotify_rm_watch(w->fd, wd);
			watch_forget(w, wd);
		}
	}
}

long
watch_retry(struct watch *w)
{
	char **refused = w->unwatched;
	long i, count = w->unwatched_count;

	w->unwatched = NULL;
	w->unwatched_count = 0;
	w->degraded[0] = '\0';
	w->walk++;
	watch_add_tree(w, ""); /* known ones answer with their own wd */
	watch_drop_unseen(w);
	for (i = 0; i < count; i++)
		free(refused[i]);
	free(refused);
	if (w->unwatched_count == 0 && count > 0) {
		log_notice("every directory is watched again");
		w->advised = 0;
	}
	return w->unwatched_count;
}

int
watch_start(uv_loop_t *loop, const char *root,
	    const struct watch_events *events, long max_watches,
	    struct watch **out, char **errmsg)
{
	struct watch *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->root = strdup(root)) == NULL) {
		free(w);
		return -ENOMEM;
	}
	w->events = *events;
	w->max_watches = max_watches;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		int rc = -errno;

		if (asprintf(errmsg, "inotify: %s (raise "
				     "fs.inotify.max_user_instances)",
			     strerror(-rc)) < 0)
			*errmsg = NULL;
		free(w->root);
		free(w);
		return rc;
	}
	watch_add_tree(w, "");
	uv_poll_init(loop, &w->poll, w->fd);
	w->poll.data = w;
	uv_poll_start(&w->poll, UV_READABLE, watch_poll_cb);
	*out = w;
	return 0;
}

void
watch_stats(const struct watch *w, struct watch_stats *stats)
{
	stats->directories = w->directories;
	stats->unwatched = w->unwatched_count;
	stats->degraded = w->degraded[0] ? w->degraded : NULL;
}

static void
watch_free(uv_handle_t *handle)
{
	struct watch *w = handle->data;
	long i;
	int wd;

	for (wd = 0; wd < w->path_cap; wd++)
		free(w->paths[wd]);
	free(w->seen);
	for (i = 0; i < w->unwatched_count; i++)
		free(w->unwatched[i]);
	free(w->unwatched);
	free(w->paths);
	free(w->moved.path);
	free(w->root);
	close(w->fd);
	free(w);
}

void
watch_stop(struct watch *w)
{
	if (w)
		uv_close((uv_handle_t *)&w->poll, watch_free);
}
