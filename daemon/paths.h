/*
 * paths.h: where the daemon keeps things by default (XDG), and the socket
 * it listens on: made private, never stealing a live daemon's path.
 */
#ifndef EPSEARCHD_PATHS_H
#define EPSEARCHD_PATHS_H

/*
 * The default socket, $XDG_RUNTIME_DIR/epsearch/epsearchd.sock. Returns a
 * new string, or NULL with *errmsg set when XDG_RUNTIME_DIR is unset.
 */
char *paths_default_socket(char **errmsg);

/* The default index, $XDG_CACHE_HOME (or ~/.cache)/epsearch/index.sqlite3. */
char *paths_default_db(char **errmsg);

/* Creates the parent directories of path with the given mode. 0 or -errno. */
int paths_make_parent(const char *path, unsigned mode);

/*
 * Binds and listens on a Unix socket at path, mode 0600. A stale socket
 * file is replaced; a live daemon's socket, or any file that is not a
 * socket, is left alone and reported. Returns the descriptor, or a
 * negative errno with *errmsg set.
 */
int paths_listen(const char *path, char **errmsg);

#endif
