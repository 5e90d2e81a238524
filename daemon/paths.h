/*
 * paths.h: where the daemon keeps things by default (XDG), and the socket
 * it listens on: made private, never stealing a live daemon's path, or
 * passed by systemd.
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

/*
 * The default settings file, $XDG_CONFIG_HOME (or ~/.config)/epsearch/
 * config.yaml: a new string, or NULL when neither variable is set.
 */
char *paths_default_config(void);

/* Creates the parent directories of path with the given mode. 0 or -errno. */
int paths_make_parent(const char *path, unsigned mode);

/*
 * The id of the group called name into *gid (-1 when name is NULL).
 * Returns 0, or a negative errno with *errmsg set.
 */
int paths_group_id(const char *name, long *gid, char **errmsg);

/*
 * Binds and listens on a Unix socket at path, mode 0600 in a directory
 * it creates 0700; with gid >= 0 (allow_group), the socket is 0660 and
 * the directory it creates 0710, both of that group. A stale socket file
 * is replaced; a live daemon's socket, one it cannot probe, or any file
 * that is not a socket, is left alone and reported. Returns the
 * descriptor, or a negative errno with *errmsg set.
 */
int paths_listen(const char *path, long gid, char **errmsg);

/*
 * The listening socket the service manager passed (socket activation,
 * LISTEN_FDS), made non-blocking. Returns the descriptor; -ENOENT when
 * none was passed; another negative errno, with *errmsg set, when what
 * was passed is not one listening Unix stream socket. The socket file
 * belongs to the manager: the daemon must not remove it.
 */
int paths_inherited(char **errmsg);

#endif
