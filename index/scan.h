/*
 * scan.h: brings the store in step with the content tree, either the whole
 * tree or a list of paths that may have changed. Each call is one
 * transaction. It reads files; it does not watch them.
 */
#ifndef EPSEARCH_SCAN_H
#define EPSEARCH_SCAN_H

#include <stddef.h>

#include "frontmatter.h"
#include "store.h"

struct scan_report {
	long files;	/* episode files looked at */
	long indexed;	/* parsed and written */
	long unchanged; /* same path, mtime and size, or same content */
	long removed;	/* gone from the tree, dropped from the index */
	long failed;	/* could not be used; see the store's errors */
	/* Called once per file that newly fails; may be NULL. */
	void (*on_error)(void *arg, const char *path,
			 const struct parse_error *err);
	/* Called with files after every SCAN_PROGRESS_EVERY files looked
	 * at; may be NULL. Both callbacks get arg, on the scanning thread. */
	void (*on_progress)(void *arg, long files);
	/*
	 * Called for a file met by walking a directory that cannot be used
	 * and changed under SCAN_SETTLE_SECONDS ago: likely still being
	 * written (a copy in progress). Its error is not recorded; the
	 * caller looks again later. NULL: such errors are recorded at once.
	 */
	void (*on_unsettled)(void *arg, const char *path);
	long unsettled;
	void *arg;
};

#define SCAN_PROGRESS_EVERY 200

/* A file changed this recently may still be being written. */
#define SCAN_SETTLE_SECONDS 2

/* Largest file read as an episode; a larger one is refused. */
#define SCAN_MAX_FILE_SIZE (8L * 1024 * 1024)

/* Whether a file name is an episode file (*.md, not an editor's temp). */
int scan_is_episode_name(const char *name);

/*
 * Walks root and makes the store equal to what it holds: new and changed
 * files parsed, unchanged ones skipped, vanished ones dropped. Returns 0 or
 * a negative code with *errmsg set (the transaction rolled back).
 */
int scan_tree(struct store *st, const char *root, struct scan_report *report,
	      char **errmsg);

/*
 * Re-examines paths (relative to root): each is indexed, dropped or left
 * as it is, like one file of scan_tree. A path that names a directory is
 * scanned whole, and known files below a vanished one are dropped.
 */
int scan_paths(struct store *st, const char *root, const char *const *paths,
	       size_t count, struct scan_report *report, char **errmsg);

#endif
