/*
 * paths.c: XDG default paths and the listening socket; see paths.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "paths.h"

static char *
paths_under(const char *base, const char *rest)
{
	char *path;

	if (asprintf(&path, "%s/%s", base, rest) < 0)
		return NULL;
	return path;
}

char *
paths_default_socket(char **errmsg)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	if (runtime == NULL || *runtime != '/') {
		*errmsg = strdup("XDG_RUNTIME_DIR is not set to an absolute "
				 "path; give the socket with --socket PATH");
		return NULL;
	}
	return paths_under(runtime, "epsearch/epsearchd.sock");
}

char *
paths_default_db(char **errmsg)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (cache && *cache == '/')
		return paths_under(cache, "epsearch/index.sqlite3");
	if (home && *home == '/')
		return paths_under(home, ".cache/epsearch/index.sqlite3");
	*errmsg = strdup("neither XDG_CACHE_HOME nor HOME is set; give the "
			 "index with --db PATH");
	return NULL;
}

char *
paths_default_config(void)
{
	const char *config = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (config && *config == '/')
		return paths_under(config, "epsearch/config.yaml");
	if (home && *home == '/')
		return paths_under(home, ".config/epsearch/config.yaml");
	return NULL;
}

int
paths_make_parent(const char *path, unsigned mode)
{
	char *dir = strdup(path), *p;

	if (dir == NULL)
		return -ENOMEM;
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, mode) != 0 && errno != EEXIST) {
			int rc = -errno;

			free(dir);
			return rc;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static int
paths_fail(char **errmsg, int rc, const char *path, const char *what)
{
	if (asprintf(errmsg, "%s: %s: %s", path, what, strerror(-rc)) < 0)
		*errmsg = NULL;
	return rc;
}

/* Whether a daemon answers at addr: 1 live, 0 stale, or -errno. */
static int
paths_socket_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	rc = rc == 0 ? 1 : errno == ECONNREFUSED ? 0 : -errno;
	close(fd);
	return rc;
}

/* Clears the way for bind: only a stale socket file is removed. */
static int
paths_clear_stale(const char *path, const struct sockaddr_un *addr,
		  char **errmsg)
{
	struct stat sb;
	int alive;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT
			   ? 0
			   : paths_fail(errmsg, -errno, path, "cannot inspect");
	if (!S_ISSOCK(sb.st_mode))
		return paths_fail(errmsg, -EEXIST, path,
				  "is not a socket, refusing to replace it");
	alive = paths_socket_alive(addr);
	if (alive == 1)
		return paths_fail(errmsg, -EADDRINUSE, path,
				  "another epsearchd is listening there");
	if (alive < 0) /* e.g. another user's socket: not ours to remove */
		return paths_fail(errmsg, alive, path,
				  "cannot tell whether a daemon listens there");
	if (unlink(path) != 0)
		return paths_fail(errmsg, -errno, path,
				  "cannot remove the stale socket");
	return 0;
}

int
paths_group_id(const char *name, long *gid, char **errmsg)
{
	struct group *gr;

	*gid = -1;
	if (name == NULL)
		return 0;
	errno = 0;
	gr = getgrnam(name);
	if (gr == NULL) {
		if (asprintf(errmsg, "allow_group: no group named '%s'",
			     name) < 0)
			*errmsg = NULL;
		return errno ? -errno : -ENOENT;
	}
	*gid = (long)gr->gr_gid;
	return 0;
}

/* The directory part of path (a new string), or NULL. */
static char *
paths_dir(const char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return strdup(slash ? "/" : ".");
	return strndup(path, (size_t)(slash - path));
}

/*
 * Creates the socket's directory (0700, or 0710 with the group for an
 * allowed group). A directory that already exists is left as it is: it
 * may be shared, like /run.
 */
static int
paths_socket_dir(const char *path, long gid, char **errmsg)
{
	char *dir = paths_dir(path);
	struct stat sb;
	int rc = 0, exists;

	if (dir == NULL)
		return -ENOMEM;
	exists = stat(dir, &sb) == 0;
	if (!exists)
		rc = paths_make_parent(path, 0700);
	if (rc == 0 && !exists && gid >= 0 &&
	    (chown(dir, (uid_t)-1, (gid_t)gid) != 0 || chmod(dir, 0710) != 0))
		rc = -errno;
	free(dir);
	return rc == 0 ? 0
		       : paths_fail(errmsg, rc, path,
				    "cannot create its directory");
}

/* Hands the bound socket to the allowed group: 0660, that group. */
static int
paths_share_socket(const char *path, long gid)
{
	if (gid < 0)
		return 0;
	if (chown(path, (uid_t)-1, (gid_t)gid) != 0 || chmod(path, 0660) != 0)
		return -errno;
	return 0;
}

int
paths_listen(const char *path, long gid, char **errmsg)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	mode_t old_mask;
	int fd, rc;

	if (strlen(path) >= sizeof(addr.sun_path))
		return paths_fail(errmsg, -ENAMETOOLONG, path,
				  "socket path too long");
	strcpy(addr.sun_path, path);
	rc = paths_socket_dir(path, gid, errmsg);
	if (rc != 0)
		return rc;
	rc = paths_clear_stale(path, &addr, errmsg);
	if (rc != 0)
		return rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return paths_fail(errmsg, -errno, path, "socket");
	old_mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (rc == 0 && (rc = paths_share_socket(path, gid)) != 0) {
		close(fd);
		unlink(path);
		return paths_fail(errmsg, rc, path,
				  "cannot give the socket to allow_group");
	}
	if (rc != 0 || listen(fd, 128) != 0) {
		rc = -errno;
		close(fd);
		return paths_fail(errmsg, rc, path, "cannot listen");
	}
	return fd;
}

int
paths_inherited(char **errmsg)
{
	int n = sd_listen_fds(1), fd = SD_LISTEN_FDS_START;

	if (n == 0)
		return -ENOENT;
	if (n < 0)
		return paths_fail(errmsg, n, "LISTEN_FDS",
				  "cannot adopt the passed sockets");
	if (n > 1 || sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
		if (asprintf(errmsg,
			     "the service manager passed %d "
			     "descriptors; expected one listening "
			     "Unix stream socket (ListenStream=PATH)",
			     n) < 0)
			*errmsg = NULL;
		return -EINVAL;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
		return paths_fail(errmsg, -errno, "LISTEN_FDS",
				  "cannot set up the passed socket");
	return fd;
}
