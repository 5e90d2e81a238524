/*
 * api.c: what each route answers; see api.h. Every refusal names the
 * parameter or path at fault, and nothing here can fail the daemon: an
 * error becomes a JSON answer with a 4xx or 500 status.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "search.h"
#include "text.h"
#include "url.h"

/*
 * The message may quote what the client sent, which need not be UTF-8
 * (%FF decodes to a lone byte): jansson refuses such a string, so those
 * bytes become '?'. NULL only when memory ran out.
 */
static json_t *
api_error(unsigned *status, unsigned code, const char *message)
{
	char safe[256];
	size_t n, ok;

	*status = code;
	n = (size_t)snprintf(safe, sizeof(safe), "%s", message);
	if (n >= sizeof(safe))
		n = sizeof(safe) - 1;
	while ((ok = text_utf8_valid_prefix(safe, n)) < n)
		safe[ok] = '?';
	return json_pack("{s:s}", "error", safe);
}

static const char *
api_arg(const struct api_request *req, const char *name)
{
	int i;

	for (i = 0; i < req->count; i++)
		if (strcmp(req->names[i], name) == 0)
			return req->values[i];
	return NULL;
}

/* The first argument not in allowed (NULL-terminated), or NULL. */
static const char *
api_unknown_arg(const struct api_request *req, const char *const *allowed)
{
	const char *const *a;
	int i;

	for (i = 0; i < req->count; i++) {
		for (a = allowed; *a && strcmp(*a, req->names[i]) != 0; a++)
			;
		if (*a == NULL)
			return req->names[i];
	}
	return NULL;
}

/* Reads a whole number in [min, max]; 0 or -EINVAL. */
static int
api_number(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* A filter parameter; an empty one is no filter, as if absent. */
static const char *
api_filter(const struct api_request *http, const char *name)
{
	const char *value = api_arg(http, name);

	return value && *value ? value : NULL;
}

/* Reads a 0/1 switch; 0 or -EINVAL. */
static int
api_switch(const char *s, int *out)
{
	*out = 0;
	if (s == NULL || strcmp(s, "0") == 0)
		return 0;
	if (strcmp(s, "1") != 0)
		return -EINVAL;
	*out = 1;
	return 0;
}

/* Checks the numbers and switches of /search; NULL or an error body. */
static json_t *
api_search_numbers(const struct api_request *http,
		   struct search_request *req, unsigned *status)
{
	int sync;

	req->limit = SEARCH_DEFAULT_LIMIT;
	if (api_arg(http, "limit") &&
	    api_number(api_arg(http, "limit"), 1, SEARCH_MAX_LIMIT,
		       &req->limit) != 0)
		return api_error(status, 400,
				 "limit: expected a whole number from 1 to 100");
	if (api_arg(http, "offset") &&
	    api_number(api_arg(http, "offset"), 0, SEARCH_MAX_OFFSET,
		       &req->offset) != 0)
		return api_error(status, 400,
				 "offset: expected a whole number from 0 to "
				 "10000");
	if (api_switch(api_arg(http, "sync"), &sync) != 0)
		return api_error(status, 400, "sync: expected 0 or 1");
	if (api_switch(api_arg(http, "prefix"), &req->prefix) != 0)
		return api_error(status, 400, "prefix: expected 0 or 1");
	if (api_switch(api_arg(http, "exact"), &req->exact) != 0)
		return api_error(status, 400, "exact: expected 0 or 1");
	return NULL;
}

/* Checks the arguments of /search into req; NULL or an error body. */
static json_t *
api_search_args(const struct api_request *http, struct search_request *req,
		unsigned *status)
{
	static const char *const allowed[] = {
		"q", "limit", "offset", "sync", "prefix", "exact", "show",
		"tech", "guest", "after", "before", NULL};
	const char *unknown = api_unknown_arg(http, allowed);
	char why[160];

	if (http->too_many)
		return api_error(status, 400, "too many parameters");
	if (unknown) {
		snprintf(why, sizeof(why), "unknown parameter '%.100s'",
			 unknown);
		return api_error(status, 400, why);
	}
	memset(req, 0, sizeof(*req));
	req->query = api_arg(http, "q");
	if (req->query == NULL)
		return api_error(status, 400, "q: missing (the search words)");
	req->show = api_filter(http, "show");
	req->tech = api_filter(http, "tech");
	req->guest = api_filter(http, "guest");
	req->after = api_filter(http, "after");
	req->before = api_filter(http, "before");
	return api_search_numbers(http, req, status);
}

static json_t *
api_search(struct api *api, const struct api_request *http, unsigned *status)
{
	struct search_request req = {0};
	json_t *body;
	char *why = NULL;
	int rc;

	body = api_search_args(http, &req, status);
	if (body)
		return body;
	rc = search_run(api->reader, &req, &body, &why);
	if (rc == -EINVAL || rc == -E2BIG) {
		body = api_error(status, 400, why ? why : "q: refused");
	} else if (rc != 0) {
		log_error("search \"%s\": %s", req.query, why ? why : "failed");
		body = api_error(status, 500, "the search failed; see the "
					      "daemon's log");
	} else if (api->url_template && url_fill(body, api->url_template)) {
		json_decref(body);
		body = NULL; /* answered as out of memory */
	} else {
		*status = 200;
	}
	free(why);
	return body;
}

/*
 * Whether the last read met a damaged index; if so, the index is rebuilt
 * (the reader closed and opened again) and searches wait for it.
 */
static int
api_damaged(struct api *api)
{
	if (!store_is_corrupt(api->reader))
		return 0;
	indexer_damaged(api->indexer);
	return 1;
}

static void
api_add_error(void *arg, const char *path, int line, const char *message)
{
	json_array_append_new(arg, json_pack("{s:s, s:i, s:s}", "path", path,
					     "line", line, "message",
					     message));
}

static json_t *
api_status_json(struct api *api, const struct store_counts *counts,
		json_t *errors)
{
	struct indexer_stats ix;
	struct watch_stats w;

	indexer_stats(api->indexer, &ix);
	watch_stats(api->watch, &w);
	return json_pack(
		"{s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:b, s:s?, s:s,"
		" s:s?, s:{s:f, s:f, s:I}, s:o}",
		"episodes", (json_int_t)counts->episodes,
		"chapters", (json_int_t)counts->chapters,
		"files", (json_int_t)counts->files,
		"indexing", ix.busy || !indexer_ready(api->indexer),
		"generation", (json_int_t)ix.generation,
		"pending", (json_int_t)ix.pending,
		"watched_directories", (json_int_t)w.directories,
		"unwatched_directories", (json_int_t)w.unwatched,
		"degraded", w.degraded != NULL,
		"degraded_reason", w.degraded,
		"content", api->content_root,
		"last_error", ix.last_error,
		"latency_ms",
		"median", ix.latency_median_ms,
		"p99", ix.latency_p99_ms,
		"samples", (json_int_t)ix.latency_samples,
		"errors", errors);
}

static json_t *
api_status(struct api *api, unsigned *status)
{
	struct store_counts counts = {0};
	json_t *errors;

	if (api->reader == NULL)
		return api_error(status, 503, "the index is being rebuilt");
	errors = json_array();
	if (store_counts(api->reader, &counts) != 0 ||
	    store_each_error(api->reader, api_add_error, errors) != 0) {
		json_decref(errors);
		log_error("status: %s", store_errmsg(api->reader));
		if (api_damaged(api))
			return api_error(status, 503, "the index is damaged; "
						      "rebuilding it");
		return api_error(status, 500, "cannot read the index");
	}
	*status = 200;
	return api_status_json(api, &counts, errors);
}

/*
 * A sync=1 search first reads every queued inotify event and starts the
 * batch holding them at once, then waits until that batch has ended.
 */
static int
api_must_wait(struct api *api, const struct api_request *req)
{
	const char *sync = api_arg(req, "sync");

	if (!indexer_ready(api->indexer))
		return 1; /* no silent partial answers */
	if (sync == NULL || strcmp(sync, "1") != 0 || req->ticket == NULL)
		return 0;
	if (*req->ticket == 0) {
		watch_drain(api->watch);
		indexer_flush(api->indexer);
		*req->ticket = indexer_ticket(api->indexer);
	}
	return !indexer_done(api->indexer, *req->ticket);
}

static json_t *
api_debug(struct api *api, const char *path, unsigned *status)
{
	if (strcmp(path, "/debug/overflow") == 0) {
		watch_inject_overflow(api->watch);
		*status = 200;
		return json_pack("{s:b}", "injected", 1);
	}
	return api_error(status, 404, "no such test hook");
}

enum api_result
api_handle(struct api *api, const struct api_request *req, unsigned *status,
	   json_t **body)
{
	int is_search = strcmp(req->path, "/search") == 0;
	int is_status = strcmp(req->path, "/status") == 0;

	if (api->test_hooks && strncmp(req->path, "/debug/", 7) == 0 &&
	    strcmp(req->method, "POST") == 0) {
		*body = api_debug(api, req->path, status);
	} else if (!is_search && !is_status) {
		*body = api_error(status, 404,
				  "no such path; try /search?q=WORDS or "
				  "/status");
	} else if (strcmp(req->method, "GET") != 0 &&
		   strcmp(req->method, "HEAD") != 0) {
		*body = api_error(status, 405, "only GET is served");
	} else if (is_search && api_must_wait(api, req)) {
		return API_WAIT;
	} else if (is_search) {
		*body = api_search(api, req, status);
		if (*status == 500 && api_damaged(api)) {
			json_decref(*body);
			return API_WAIT; /* answered from the rebuilt index */
		}
	} else {
		*body = api_status(api, status);
	}
	if (*body == NULL)
		*body = api_error(status, 500, "out of memory");
	return API_ANSWER;
}
