/*
 * scan.c: compares the content tree with the store and writes the
 * difference, one transaction per call. A file is read only when its
 * mtime or size changed, and parsed only when its content hash changed.
 *
 * Symbolic links are not followed, to directories or to files: the walk
 * cannot loop or leave the tree, an episode is never indexed twice under
 * two names, and editors' lock links are passed over. Hidden entries
 * (".git", editor dotfiles) are not looked at.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

#define SCAN_TOO_LARGE "file is larger than 8 MiB"

/* The state of one call: where the tree is and what was done. */
struct scan {
	struct store *st;
	const char *root;
	char *real_root; /* root with links resolved */
	struct scan_report *report;
	int walking; /* files are being met by a directory walk */
	char **seen; /* relative paths met by a walk, for the delete pass */
	size_t seen_count;
	size_t seen_cap;
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int
scan_is_episode_name(const char *name)
{
	if (name[0] == '.' || !ends_with(name, ".md") || strlen(name) == 3)
		return 0;
	if (strstr(name, "___jb_tmp___") || strstr(name, "___jb_old___"))
		return 0;
	return 1;
}

/* FNV-1a, 64 bits: enough to tell whether a file's bytes changed. */
static unsigned long long
content_hash(const char *buf, size_t n)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char *
join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s", dir, *dir ? "/" : "", name);
	return p;
}

/* The file name without its directories and ".md", as the default slug. */
static char *
default_slug(const char *rel)
{
	const char *base = strrchr(rel, '/');
	size_t n;

	base = base ? base + 1 : rel;
	n = strlen(base);
	if (ends_with(base, ".md"))
		n -= 3;
	return strndup(base, n);
}

/*
 * Reads a whole regular file of at most max bytes; 0 and a malloc'd
 * buffer, or a negative errno. The descriptor is checked, not the name:
 * what was stat'ed may have been replaced since by a FIFO (whose open
 * must not block), a device or a larger file. -EFBIG when it is larger
 * than max, -EINVAL when it is not a regular file.
 */
static int
read_file(const char *path, long long max, char **out, size_t *len)
{
	struct stat sb;
	size_t size, n = 0;
	ssize_t got;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ELOOP ? -ENOENT : -errno; /* now a link */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (sb.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	size = (size_t)sb.st_size;
	buf = malloc(size + 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (n <= size && (got = read(fd, buf + n, size + 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	if (n > size) {
		free(buf);
		return -EAGAIN; /* grew while read: a writer is at work */
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Records why rel cannot be used and tells the caller once. */
static void
scan_fail(struct scan *sc, const char *rel, const struct file_state *state,
	  const struct parse_error *err, int *rc)
{
	*rc = store_put_error(sc->st, rel, state, err);
	sc->report->failed++;
	if (*rc == 0 && sc->report->on_error)
		sc->report->on_error(sc->report->arg, rel, err);
}

/* Whether a broken file met by a walk may still be being written. */
static int
scan_unsettled(const struct scan *sc, const struct file_state *state)
{
	struct timespec now;

	if (!sc->walking || sc->report->on_unsettled == NULL)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)now.tv_sec - state->mtime_ns / 1000000000LL <
	       SCAN_SETTLE_SECONDS;
}

/* Parses buf and writes the episode or the error. */
static int
scan_parse(struct scan *sc, const char *rel, const struct file_state *state,
	   const char *buf, size_t len)
{
	struct episode ep = {0};
	struct parse_error err = {0};
	char *slug = default_slug(rel);
	int rc;

	if (slug == NULL)
		return -ENOMEM;
	rc = frontmatter_parse(buf, len, slug, &ep, &err);
	free(slug);
	if (rc == -EINVAL && scan_unsettled(sc, state)) {
		sc->report->unsettled++;
		sc->report->on_unsettled(sc->report->arg, rel);
		return 0;
	}
	if (rc == -EINVAL) {
		scan_fail(sc, rel, state, &err, &rc);
		return rc;
	}
	if (rc != 0)
		return rc;
	rc = store_put_episode(sc->st, rel, state, &ep);
	episode_clear(&ep);
	if (rc == 0)
		sc->report->indexed++;
	return rc;
}

/* A file refused before it is parsed: recorded like a parse error. */
static int
scan_refuse(struct scan *sc, const char *rel, const struct file_state *state,
	    const char *why)
{
	struct parse_error err = {0};
	int rc;

	snprintf(err.message, sizeof(err.message), "%s", why);
	scan_fail(sc, rel, state, &err, &rc);
	return rc;
}

/*
 * A file that cannot be read: refused with no mtime, so that the next
 * look reads it again (a chmod changes neither its mtime nor its size).
 */
static int
scan_unreadable(struct scan *sc, const char *rel,
		const struct file_state *state, const char *why)
{
	struct file_state again = *state;

	again.mtime_ns = -1;
	return scan_refuse(sc, rel, &again, why);
}

/* Reads, hashes and, if its content changed, parses one file. */
static int
scan_read(struct scan *sc, const char *rel, const char *full,
	  struct file_state *state, const struct file_state *known)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(full, SCAN_MAX_FILE_SIZE, &buf, &len);
	if (rc == -ENOENT || rc == -EINVAL)
		return store_delete_file(sc->st, rel); /* replaced meanwhile */
	if (rc == -EAGAIN)
		return 0; /* still being written: its close will bring it */
	if (rc == -EFBIG)
		return scan_refuse(sc, rel, state, SCAN_TOO_LARGE);
	if (rc != 0)
		return rc == -ENOMEM ? rc
				     : scan_unreadable(sc, rel, state,
						       strerror(-rc));

	state->size = (long long)len;
	state->hash = content_hash(buf, len);
	if (known && known->hash == state->hash) {
		sc->report->unchanged++;
		rc = store_touch_file(sc->st, rel, state);
	} else {
		rc = scan_parse(sc, rel, state, buf, len);
	}
	free(buf);
	return rc;
}

/* Brings one episode file (relative path rel) into the store. */
static int
scan_file(struct scan *sc, const char *rel, const struct stat *lst)
{
	struct file_state known, state = {0};
	const struct stat sb = *lst;
	char *full;
	int rc, have;

	if (!S_ISREG(sb.st_mode))
		return store_delete_file(sc->st, rel);
	full = join_path(sc->root, rel);
	if (full == NULL)
		return -ENOMEM;
	if (++sc->report->files % SCAN_PROGRESS_EVERY == 0 &&
	    sc->report->on_progress)
		sc->report->on_progress(sc->report->arg, sc->report->files);
	state.mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL +
			 sb.st_mtim.tv_nsec;
	state.size = (long long)sb.st_size;
	rc = store_file_state(sc->st, rel, &known);
	have = rc == 0;
	if (rc != 0 && rc != -ENOENT) {
		free(full);
		return rc;
	}

	if (have && known.mtime_ns == state.mtime_ns &&
	    known.size == state.size) {
		sc->report->unchanged++;
		rc = 0;
	} else if (state.size > SCAN_MAX_FILE_SIZE) {
		rc = scan_refuse(sc, rel, &state, SCAN_TOO_LARGE);
	} else {
		rc = scan_read(sc, rel, full, &state, have ? &known : NULL);
	}
	free(full);
	return rc;
}

static int
scan_remember(struct scan *sc, const char *rel)
{
	char **grown;

	if (sc->seen_count == sc->seen_cap) {
		sc->seen_cap = sc->seen_cap ? sc->seen_cap * 2 : 256;
		grown = realloc(sc->seen, sc->seen_cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		sc->seen = grown;
	}
	sc->seen[sc->seen_count] = strdup(rel);
	return sc->seen[sc->seen_count++] ? 0 : -ENOMEM;
}

static int scan_dir(struct scan *sc, const char *rel);

/* Looks at one directory entry: recurse, index, or pass over. */
static int
scan_entry(struct scan *sc, const char *rel, const char *name)
{
	struct stat sb;
	char *child, *full;
	int rc = 0;

	if (name[0] == '.')
		return 0;
	child = join_path(rel, name);
	full = child ? join_path(sc->root, child) : NULL;
	if (full == NULL) {
		free(child);
		return -ENOMEM;
	}
	if (lstat(full, &sb) != 0) {
		rc = 0; /* gone since readdir: nothing to index */
	} else if (S_ISDIR(sb.st_mode)) {
		rc = scan_dir(sc, child);
	} else if (S_ISREG(sb.st_mode) && scan_is_episode_name(name)) {
		rc = scan_remember(sc, child);
		if (rc == 0)
			rc = scan_file(sc, child, &sb);
	}
	free(full);
	free(child);
	return rc;
}

static int
scan_dir(struct scan *sc, const char *rel)
{
	struct dirent *de;
	char *full = join_path(sc->root, rel);
	DIR *dir;
	int rc = 0;

	if (full == NULL)
		return -ENOMEM;
	dir = opendir(full);
	free(full);
	if (dir == NULL)
		return 0; /* vanished or unreadable: its files stay unknown */
	sc->walking++;
	while (rc == 0 && (de = readdir(dir)) != NULL)
		rc = scan_entry(sc, rel, de->d_name);
	sc->walking--;
	closedir(dir);
	return rc;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the known paths that the walk did not meet (under prefix). */
struct stale {
	struct scan *sc;
	const char *prefix;
	char **paths;
	size_t count;
};

static int
stale_collect(void *arg, const char *path)
{
	struct stale *s = arg;
	size_t n = strlen(s->prefix);
	char **grown;

	if (n && (strncmp(path, s->prefix, n) != 0 || path[n] != '/'))
		return 0;
	if (s->sc->seen_count &&
	    bsearch(&path, s->sc->seen, s->sc->seen_count, sizeof(char *),
		    compare_strings))
		return 0;
	grown = realloc(s->paths, (s->count + 1) * sizeof(*grown));
	if (grown == NULL)
		return -ENOMEM;
	s->paths = grown;
	s->paths[s->count] = strdup(path);
	return s->paths[s->count++] ? 0 : -ENOMEM;
}

/* Drops what the store knows under prefix ("" for all) but the walk
 * did not see. */
static int
scan_drop_unseen(struct scan *sc, const char *prefix)
{
	struct stale s = {sc, prefix, NULL, 0};
	size_t i;
	int rc;

	if (sc->seen_count)
		qsort(sc->seen, sc->seen_count, sizeof(char *),
		      compare_strings);
	rc = store_each_path(sc->st, stale_collect, &s);
	for (i = 0; i < s.count; i++) {
		if (rc == 0)
			rc = store_delete_file(sc->st, s.paths[i]);
		if (rc == 0)
			sc->report->removed++;
		free(s.paths[i]);
	}
	free(s.paths);
	return rc;
}

static void
scan_forget_seen(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->seen_count; i++)
		free(sc->seen[i]);
	free(sc->seen);
	sc->seen = NULL;
	sc->seen_count = sc->seen_cap = 0;
}

/* Examines one relative path: a file, a directory, or something gone. */
static int
scan_one_path(struct scan *sc, const char *rel)
{
	struct stat sb;
	const char *name = strrchr(rel, '/');
	char *full = join_path(sc->root, rel);
	int rc, exists;

	if (full == NULL)
		return -ENOMEM;
	exists = lstat(full, &sb) == 0;
	free(full);
	name = name ? name + 1 : rel;

	if (exists && S_ISDIR(sb.st_mode)) {
		rc = scan_dir(sc, rel);
		if (rc == 0)
			rc = scan_drop_unseen(sc, rel);
	} else if (exists && scan_is_episode_name(name)) {
		rc = scan_file(sc, rel, &sb);
	} else {
		rc = store_delete_file(sc->st, rel);
		if (rc == 0 && !exists)
			rc = scan_drop_unseen(sc, rel);
	}
	scan_forget_seen(sc);
	return rc;
}

static int
scan_start(struct scan *sc, struct store *st, const char *root,
	   struct scan_report *report, char **errmsg)
{
	int rc;

	memset(sc, 0, sizeof(*sc));
	sc->st = st;
	sc->root = root;
	sc->report = report;
	sc->real_root = realpath(root, NULL);
	if (sc->real_root == NULL) {
		rc = -errno;
		if (errmsg && asprintf(errmsg, "%s: %s", root,
				       strerror(-rc)) < 0)
			*errmsg = NULL;
		return rc;
	}
	rc = store_begin(st);
	if (rc != 0 && errmsg && asprintf(errmsg, "begin a batch: %s",
					  store_errmsg(st)) < 0)
		*errmsg = NULL;
	if (rc != 0)
		free(sc->real_root);
	return rc;
}

static int
scan_finish(struct scan *sc, int rc, char **errmsg)
{
	if (rc == 0)
		rc = store_commit(sc->st);
	if (rc != 0) {
		if (errmsg && asprintf(errmsg, "write the index: %s",
				       rc == -ENOMEM ? strerror(ENOMEM)
						     : store_errmsg(sc->st)) < 0)
			*errmsg = NULL;
		store_rollback(sc->st);
	}
	scan_forget_seen(sc);
	free(sc->real_root);
	return rc;
}

int
scan_tree(struct store *st, const char *root, struct scan_report *report,
	  char **errmsg)
{
	struct scan sc;
	int rc;

	rc = scan_start(&sc, st, root, report, errmsg);
	if (rc != 0)
		return rc;
	rc = scan_dir(&sc, "");
	if (rc == 0)
		rc = scan_drop_unseen(&sc, "");
	return scan_finish(&sc, rc, errmsg);
}

int
scan_paths(struct store *st, const char *root, const char *const *paths,
	   size_t count, struct scan_report *report, char **errmsg)
{
	struct scan sc;
	size_t i;
	int rc;

	rc = scan_start(&sc, st, root, report, errmsg);
	if (rc != 0)
		return rc;
	for (i = 0; rc == 0 && i < count; i++)
		rc = scan_one_path(&sc, paths[i]);
	return scan_finish(&sc, rc, errmsg);
}
