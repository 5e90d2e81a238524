/*
 * http.c: epsearchd's HTTP over its Unix socket, through libcurl's
 * CURLOPT_UNIX_SOCKET_PATH. One easy handle is reused for every request.
 * This file neither parses JSON nor prints anything: failures go up as
 * codes and messages, and main.c decides what the user sees.
 */
#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#define HTTP_RETRY_STEP_MS 100
#define HTTP_CONNECT_TIMEOUT_MS 5000
#define HTTP_TIMEOUT_MS 30000
#define HTTP_BODY_MAX (64L * 1024 * 1024)

struct http_client {
	CURL *curl;
	char error[CURL_ERROR_SIZE]; /* curl's detail on the last failure */
};

/* The body as it arrives; data stays NUL-terminated. */
struct http_buffer {
	char *data;
	size_t length;
	size_t capacity;
};

/* Copies a message for an out-parameter; a NULL error is fine. */
static void
http_set_error(char **error, const char *message)
{
	if (error != NULL)
		*error = strdup(message);
}

static size_t
http_write_cb(char *data, size_t size, size_t count, void *arg)
{
	struct http_buffer *buffer = arg;
	size_t n = size * count;
	size_t need = buffer->length + n + 1;
	char *grown;

	if (need > (size_t)HTTP_BODY_MAX)
		return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
	if (need > buffer->capacity) {
		size_t capacity = buffer->capacity ? buffer->capacity : 4096;

		while (capacity < need)
			capacity *= 2;
		grown = realloc(buffer->data, capacity);
		if (grown == NULL)
			return 0;
		buffer->data = grown;
		buffer->capacity = capacity;
	}
	memcpy(buffer->data + buffer->length, data, n);
	buffer->length += n;
	buffer->data[buffer->length] = '\0';
	return n;
}

/* Sets what every request shares; 0 or -ENOMEM. */
static int
http_client_setup(struct http_client *client, const char *socket_path)
{
	CURL *curl = client->curl;
	CURLcode rc = CURLE_OK;

	rc |= curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
	rc |= curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, client->error);
	rc |= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	/* http_proxy in the environment must not divert a local socket. */
	rc |= curl_easy_setopt(curl, CURLOPT_PROXY, "");
	rc |= curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			       (long)HTTP_CONNECT_TIMEOUT_MS);
	rc |= curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
	rc |= curl_easy_setopt(curl, CURLOPT_USERAGENT,
			       "epsearch/" EPSEARCH_VERSION);
	rc |= curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, http_write_cb);
	return rc == CURLE_OK ? 0 : -ENOMEM;
}

int
http_client_open(struct http_client **client, const char *socket_path,
		 char **error)
{
	struct sockaddr_un address;
	struct http_client *c;

	if (strlen(socket_path) >= sizeof(address.sun_path)) {
		http_set_error(error, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		http_set_error(error, "libcurl could not be initialised");
		return -ENOMEM;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		curl_global_cleanup();
		http_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	c->curl = curl_easy_init();
	if (c->curl == NULL || http_client_setup(c, socket_path) < 0) {
		http_client_close(c);
		http_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	*client = c;
	return 0;
}

/* Also drops the curl_global_init reference http_client_open took. */
void
http_client_close(struct http_client *client)
{
	if (client == NULL)
		return;
	if (client->curl != NULL)
		curl_easy_cleanup(client->curl);
	free(client);
	curl_global_cleanup();
}

char *
http_client_escape(struct http_client *client, const char *text)
{
	char *escaped = curl_easy_escape(client->curl, text, 0);
	char *copy;

	/* Hand back a malloc'd string so callers free it like any other. */
	if (escaped == NULL)
		return NULL;
	copy = strdup(escaped);
	curl_free(escaped);
	return copy;
}

/* Turns a failed transfer into a code and message; see http_client_get. */
static int
http_client_failure(struct http_client *client, CURLcode rc, char **error)
{
	long os_errno = 0;
	const char *detail;

	if (rc == CURLE_COULDNT_CONNECT) {
		curl_easy_getinfo(client->curl, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno <= 0)
			os_errno = ECONNREFUSED;
		http_set_error(error, strerror((int)os_errno));
		return -(int)os_errno;
	}
	if (rc == CURLE_OUT_OF_MEMORY) {
		http_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	detail = client->error[0] ? client->error : curl_easy_strerror(rc);
	http_set_error(error, detail);
	return -EPROTO;
}

/* One try at url; the contract of http_client_get without the waiting. */
static int
http_client_attempt(struct http_client *client, const char *url,
		    struct http_response *response, char **error)
{
	struct http_buffer buffer = {0};
	CURLcode rc;

	client->error[0] = '\0';
	curl_easy_setopt(client->curl, CURLOPT_URL, url);
	curl_easy_setopt(client->curl, CURLOPT_WRITEDATA, &buffer);
	rc = curl_easy_perform(client->curl);
	if (rc != CURLE_OK) {
		free(buffer.data);
		return http_client_failure(client, rc, error);
	}

	/* An empty body still gets a string, so callers need no NULL case. */
	if (buffer.data == NULL && (buffer.data = strdup("")) == NULL) {
		http_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE,
			  &response->status);
	response->body = buffer.data;
	response->length = buffer.length;
	return 0;
}

static long
http_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* A daemon that is starting has no socket yet, or one nobody accepts on. */
static int
http_worth_retrying(int rc)
{
	return rc == -ENOENT || rc == -ECONNREFUSED;
}

int
http_client_get(struct http_client *client, const char *target, long wait_ms,
		struct http_response *response, char **error)
{
	const struct timespec step = {0, HTTP_RETRY_STEP_MS * 1000000L};
	long deadline = http_now_ms() + wait_ms;
	char *url;
	int rc;

	if (asprintf(&url, "http://localhost%s", target) < 0) {
		http_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	for (;;) {
		char *message = NULL;

		rc = http_client_attempt(client, url, response, &message);
		if (!http_worth_retrying(rc) || http_now_ms() >= deadline) {
			if (error != NULL)
				*error = message;
			else
				free(message);
			break;
		}
		free(message);
		nanosleep(&step, NULL);
	}
	free(url);
	return rc;
}

void
http_response_clear(struct http_response *response)
{
	free(response->body);
	memset(response, 0, sizeof(*response));
}
