/*
 * http.h: one HTTP GET at a time to epsearchd over its Unix socket, with
 * libcurl. It moves bytes only: what the answer means is main.c's business.
 */
#ifndef EPSEARCH_CLIENT_HTTP_H
#define EPSEARCH_CLIENT_HTTP_H

#include <stddef.h>

struct http_client;

/* An answer: status code and body, NUL-terminated, owned by the struct. */
struct http_response {
	long status;
	char *body;
	size_t length;
};

/*
 * Prepares a client for the socket at socket_path. Returns 0 and *client
 * (freed with http_client_close), or a negative errno code with *error set
 * (the caller frees it): -ENAMETOOLONG when the path cannot be a socket.
 */
int http_client_open(struct http_client **client, const char *socket_path,
		     char **error);

/* Frees the client; NULL is fine. */
void http_client_close(struct http_client *client);

/* Returns text percent-encoded for a query string (free it), or NULL. */
char *http_client_escape(struct http_client *client, const char *text);

/*
 * GETs target ("/search?q=...") and fills *response. While the socket is
 * missing or refuses, tries again every 100 ms for up to wait_ms. Returns
 * 0 for any HTTP answer, whatever its status; the negative errno of the
 * connect when the daemon could not be reached; -EPROTO when it was reached
 * but gave no usable answer. On failure *error is set (the caller frees it).
 */
int http_client_get(struct http_client *client, const char *target,
		    long wait_ms, struct http_response *response, char **error);

/* Frees what a response owns and zeroes it. */
void http_response_clear(struct http_response *response);

#endif
