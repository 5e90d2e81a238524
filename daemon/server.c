/*
 * server.c: libmicrohttpd driven by the libuv loop; see server.h.
 *
 * MHD runs in "external epoll" mode: the loop polls MHD's epoll descriptor
 * and a timer for MHD's own timeouts, and calls MHD_run on either. A
 * request that must wait (a search before the first scan) is suspended and
 * kept on a list; server_wake resumes them all and each is asked again.
 *
 * Each connection is checked when it opens: the peer's uid (SO_PEERCRED)
 * must be the daemon's, or the peer must be in the allowed group; any
 * request of another is answered 403. A connection must deliver each
 * request head within the idle timeout: MHD closes connections that are
 * silent that long, and a timer here cuts off those that trickle bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "server.h"

#define SERVER_CONNECTION_LIMIT 512	 /* clients served at once */
#define SERVER_CONNECTION_MEMORY 32768	 /* bytes per connection */

/* A suspended request, waiting for server_wake. */
struct waiting {
	struct MHD_Connection *conn;
	struct waiting *next;
};

/*
 * One open connection (MHD's socket context): who is at the other end,
 * and since when it owes a request head (0 while a request is handled).
 */
struct peer {
	struct peer *prev, *next;
	uint64_t owing_since_ms;
	int fd;
	int refused; /* not the daemon's user, nor in the allowed group */
	int cut;     /* shut down for being too slow */
	unsigned uid;
	int pid;
};

struct server {
	struct MHD_Daemon *mhd;
	struct api *api;
	struct server_options options;
	uv_loop_t *loop;
	uv_poll_t poll;
	uv_timer_t timer;
	uv_timer_t deadline; /* cuts off clients too slow with a request */
	int listen_fd;
	int open_handles; /* libuv handles not yet closed */
	struct waiting *waiting;
	struct peer *peers;
};

static void server_run(struct server *srv);

static void
server_timer_cb(uv_timer_t *timer)
{
	server_run(timer->data);
}

static void
server_poll_cb(uv_poll_t *poll, int status, int events)
{
	server_run(poll->data);
}

/* Lets MHD do what is ready, then waits for its next timeout. */
static void
server_run(struct server *srv)
{
	MHD_UNSIGNED_LONG_LONG timeout;

	MHD_run(srv->mhd);
	if (MHD_get_timeout(srv->mhd, &timeout) == MHD_YES)
		uv_timer_start(&srv->timer, server_timer_cb, timeout, 0);
	else
		uv_timer_stop(&srv->timer);
}

/* Collects the query arguments of a request, in order. */
static enum MHD_Result
server_collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
		   const char *value)
{
	struct api_request *req = cls;

	if (req->count == API_MAX_ARGS) {
		req->too_many = 1;
		return MHD_NO;
	}
	req->names[req->count] = key;
	req->values[req->count++] = value ? value : "";
	return MHD_YES;
}

static enum MHD_Result
server_send(struct MHD_Connection *conn, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII);
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t n;

	json_decref(body);
	if (text == NULL)
		return MHD_NO;
	n = strlen(text);
	text[n] = '\n'; /* json_dumps left room: its NUL becomes the end */
	resp = MHD_create_response_from_buffer(n + 1, text,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
				"application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int
server_suspend(struct server *srv, struct MHD_Connection *conn)
{
	struct waiting *w = malloc(sizeof(*w));

	if (w == NULL)
		return -ENOMEM;
	w->conn = conn;
	w->next = srv->waiting;
	srv->waiting = w;
	MHD_suspend_connection(conn);
	return 0;
}

/* The peer of a connection, as server_connection_cb recorded it. */
static struct peer *
server_peer(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info ? info->socket_context : NULL;
}

/* Answers a client that may not use the socket, and hangs up. */
static enum MHD_Result
server_refuse(struct MHD_Connection *conn)
{
	static const char text[] =
	    "{\"error\":\"forbidden: this socket serves only the daemon's "
	    "user (and allow_group)\"}\n";
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(sizeof(text) - 1, (void *)text,
					       MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				"application/json; charset=utf-8");
	MHD_add_response_header(resp, "Connection", "close");
	ret = MHD_queue_response(conn, 403, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* What a request keeps between the asks of api_handle. */
struct request_state {
	unsigned long long ticket;
};

static enum MHD_Result
server_request(void *cls, struct MHD_Connection *conn, const char *url,
	       const char *method, const char *version,
	       const char *upload_data, size_t *upload_data_size,
	       void **state)
{
	struct server *srv = cls;
	struct api_request req = {.method = method, .path = url};
	struct peer *peer = server_peer(conn);
	unsigned status = 500;
	json_t *body = NULL;

	if (peer == NULL || peer->refused)
		return server_refuse(conn);
	peer->owing_since_ms = 0; /* the head has come */
	/* The first call brings only the head: answering now would close
	 * the connection; answering on the next call keeps it alive. */
	if (*state == NULL) {
		*state = calloc(1, sizeof(struct request_state));
		return *state ? MHD_YES : MHD_NO;
	}
	req.ticket = &((struct request_state *)*state)->ticket;
	if (*upload_data_size) {
		*upload_data_size = 0; /* a body is never read */
		return MHD_YES;
	}
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
				  server_collect_arg, &req);
	if (api_handle(srv->api, &req, &status, &body) == API_WAIT)
		return server_suspend(srv, conn) == 0 ? MHD_YES : MHD_NO;
	log_debug("%s %s: %u", method, url, status);
	return server_send(conn, status, body);
}

void
server_wake(struct server *srv)
{
	struct waiting *w = srv->waiting, *next;

	srv->waiting = NULL;
	for (; w; w = next) {
		next = w->next;
		MHD_resume_connection(w->conn);
		free(w);
	}
	server_run(srv);
}

/* A request ended: the next one on the connection is owed from now. */
static void
server_request_done(void *cls, struct MHD_Connection *conn, void **state,
		    enum MHD_RequestTerminationCode why)
{
	struct server *srv = cls;
	struct peer *peer = server_peer(conn);

	if (peer)
		peer->owing_since_ms = uv_now(srv->loop);
	free(*state);
	*state = NULL;
}

/*
 * Whether the peer on its fd may be served: the daemon's own user, or a
 * member (by its group or a supplementary one) of the allowed group.
 */
static int
server_peer_allowed(const struct server *srv, struct peer *peer)
{
	struct ucred cred;
	gid_t groups[256];
	socklen_t len = sizeof(cred);
	size_t i;

	if (getsockopt(peer->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return 0;
	peer->uid = cred.uid;
	peer->pid = cred.pid;
	if (cred.uid == geteuid())
		return 1;
	if (srv->options.allow_gid < 0)
		return 0;
	if (cred.gid == (gid_t)srv->options.allow_gid)
		return 1;
	len = sizeof(groups);
	if (getsockopt(peer->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
		return 0; /* more groups than room: refused, not guessed */
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == (gid_t)srv->options.allow_gid)
			return 1;
	return 0;
}

/* A connection opened or closed: keeps its peer on the list. */
static void
server_connection_cb(void *cls, struct MHD_Connection *conn,
		     void **socket_context,
		     enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	struct peer *peer = *socket_context;
	const union MHD_ConnectionInfo *info;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (peer == NULL)
			return;
		if (peer->prev)
			peer->prev->next = peer->next;
		else
			srv->peers = peer->next;
		if (peer->next)
			peer->next->prev = peer->prev;
		free(peer);
		*socket_context = NULL;
		return;
	}
	info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (info == NULL || (peer = calloc(1, sizeof(*peer))) == NULL)
		return; /* no peer: every request is refused */
	peer->fd = info->connect_fd;
	peer->owing_since_ms = uv_now(srv->loop);
	peer->refused = !server_peer_allowed(srv, peer);
	if (peer->refused)
		log_warning("refused a client: uid %u (pid %d) is neither "
			    "the daemon's user nor in allow_group",
			    peer->uid, peer->pid);
	peer->next = srv->peers;
	if (srv->peers)
		srv->peers->prev = peer;
	srv->peers = peer;
	*socket_context = peer;
}

/*
 * Shuts down each connection that has owed a request head for longer
 * than the idle timeout. shutdown() only marks the socket: MHD sees the
 * hang-up when it runs next and closes the connection (and calls
 * server_connection_cb) there, not during this walk.
 */
static void
server_deadline_cb(uv_timer_t *timer)
{
	struct server *srv = timer->data;
	uint64_t now = uv_now(srv->loop);
	uint64_t limit = (uint64_t)srv->options.idle_timeout_s * 1000;
	struct peer *peer;
	int cut = 0;

	for (peer = srv->peers; peer; peer = peer->next) {
		if (peer->cut || peer->owing_since_ms == 0 ||
		    now - peer->owing_since_ms < limit)
			continue;
		peer->cut = 1;
		shutdown(peer->fd, SHUT_RDWR);
		cut++;
	}
	if (cut == 0)
		return;
	log_info("http: closed %d connection(s) that sent no whole request "
		 "in %u s",
		 cut, srv->options.idle_timeout_s);
	server_run(srv);
}

static void
server_log_mhd(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_info("http: %s", line);
}

static struct MHD_Daemon *
server_start_mhd(struct server *srv)
{
	return MHD_start_daemon(
		MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		0, NULL, NULL, server_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, server_log_mhd, NULL,
		MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
		MHD_OPTION_NOTIFY_COMPLETED, server_request_done, srv,
		MHD_OPTION_NOTIFY_CONNECTION, server_connection_cb, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, srv->options.idle_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)SERVER_CONNECTION_LIMIT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)SERVER_CONNECTION_MEMORY,
		MHD_OPTION_END);
}

/* How often the deadline timer looks: often enough for short timeouts. */
static uint64_t
server_deadline_tick(const struct server *srv)
{
	uint64_t ms = (uint64_t)srv->options.idle_timeout_s * 1000 / 4;

	return ms < 100 ? 100 : ms > 1000 ? 1000 : ms;
}

int
server_start(uv_loop_t *loop, int listen_fd, struct api *api,
	     const struct server_options *options, struct server **out,
	     char **errmsg)
{
	struct server *srv = calloc(1, sizeof(*srv));
	const union MHD_DaemonInfo *info;

	if (srv == NULL)
		return -ENOMEM;
	srv->api = api;
	srv->options = *options;
	srv->loop = loop;
	srv->listen_fd = listen_fd;
	srv->mhd = server_start_mhd(srv);
	info = srv->mhd ? MHD_get_daemon_info(srv->mhd,
					      MHD_DAEMON_INFO_EPOLL_FD)
			: NULL;
	if (info == NULL) {
		if (srv->mhd)
			MHD_stop_daemon(srv->mhd);
		free(srv);
		*errmsg = strdup("cannot start the HTTP server "
				 "(libmicrohttpd)");
		return -EIO;
	}
	uv_timer_init(loop, &srv->timer);
	uv_timer_init(loop, &srv->deadline);
	uv_poll_init(loop, &srv->poll, info->epoll_fd);
	srv->timer.data = srv->deadline.data = srv->poll.data = srv;
	srv->open_handles = 3;
	uv_poll_start(&srv->poll, UV_READABLE, server_poll_cb);
	uv_timer_start(&srv->deadline, server_deadline_cb,
		       server_deadline_tick(srv), server_deadline_tick(srv));
	server_run(srv);
	*out = srv;
	return 0;
}

static void
server_handle_closed(uv_handle_t *handle)
{
	struct server *srv = handle->data;

	if (--srv->open_handles == 0)
		free(srv);
}

void
server_stop(struct server *srv)
{
	struct waiting *w, *next;

	if (srv == NULL)
		return;
	for (w = srv->waiting; w; w = next) {
		next = w->next;
		MHD_resume_connection(w->conn);
		free(w);
	}
	srv->waiting = NULL;
	/* Quiescing hands the listening socket back, to be closed here. */
	if (MHD_quiesce_daemon(srv->mhd) >= 0)
		close(srv->listen_fd);
	MHD_stop_daemon(srv->mhd);
	uv_close((uv_handle_t *)&srv->poll, server_handle_closed);
	uv_close((uv_handle_t *)&srv->timer, server_handle_closed);
	uv_close((uv_handle_t *)&srv->deadline, server_handle_closed);
}
