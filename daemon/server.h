/*
 * server.h: HTTP/1.1 on the listening socket, served by libmicrohttpd
 * inside the libuv loop (its epoll descriptor is polled by the loop; no
 * threads of its own). Requests go to api_handle, from clients of the
 * daemon's own user (or an allowed group) only; others get 403.
 */
#ifndef EPSEARCHD_SERVER_H
#define EPSEARCHD_SERVER_H

#include <uv.h>

#include "api.h"

struct server;

/* The default for server_options.idle_timeout_s. */
#define SERVER_IDLE_TIMEOUT 30

/* Who may ask, and how long a client may keep a connection idle. */
struct server_options {
	/* Seconds a connection may be silent, or take to send a whole
	 * request head (a client trickling bytes is cut off too). */
	unsigned idle_timeout_s;
	/* Besides the daemon's own user, the members of this group are
	 * served; -1 for nobody else. Checked with SO_PEERCRED. */
	long allow_gid;
};

/*
 * Serves on listen_fd (already bound and listening; the server closes it
 * when it stops). Returns 0 and *out, or a negative errno with *errmsg.
 */
int server_start(uv_loop_t *loop, int listen_fd, struct api *api,
		 const struct server_options *options, struct server **out,
		 char **errmsg);

/* Asks every waiting request again (after the index changed). */
void server_wake(struct server *srv);

/* Stops serving and frees the server once libuv released its handles. */
void server_stop(struct server *srv);

#endif
