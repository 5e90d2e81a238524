/*
 * server.h: HTTP/1.1 on the listening socket, served by libmicrohttpd
 * inside the libuv loop (its epoll descriptor is polled by the loop; no
 * threads of its own). Requests go to api_handle.
 */
#ifndef EPSEARCHD_SERVER_H
#define EPSEARCHD_SERVER_H

#include <uv.h>

#include "api.h"

struct server;

/*
 * Serves on listen_fd (already bound and listening; the server closes it
 * when it stops). Returns 0 and *out, or a negative errno with *errmsg.
 */
int server_start(uv_loop_t *loop, int listen_fd, struct api *api,
		 struct server **out, char **errmsg);

/* Asks every waiting request again (after the index changed). */
void server_wake(struct server *srv);

/* Stops serving and frees the server once libuv released its handles. */
void server_stop(struct server *srv);

#endif
