/*
 * fuzz-http.c: an HTTP request as the daemon's routes see it, through
 * api_handle (daemon/api.c) on the index of the bundled examples.
 *
 * The input reads like a request line: "METHOD TARGET", where TARGET is
 * a path with an optional query string; no space gives a GET of the
 * whole input. The query string is split at '&' and '=' and
 * percent-decoded as libmicrohttpd hands it to server.c (a name without
 * '=' has the value "", as server.c makes it; more than API_MAX_ARGS
 * arguments set too_many). What HTTP parsing comes before is
 * libmicrohttpd's, a library with fuzzing of its own; the routes, the
 * argument checks, the search and the url fields are ours.
 *
 * Every answer must be JSON with a status the API documents: 200, 400,
 * 404 or 405. A 500 means a search failed on a healthy index: a finding.
 * The indexer and the watch are stand-ins here: always ready, no events.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "fuzz.h"

/* The stand-ins for the indexer and the watch that api.c asks. */
int
indexer_ready(const struct indexer *ix)
{
	return 1;
}

void
indexer_stats(const struct indexer *ix, struct indexer_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
}

void
indexer_flush(struct indexer *ix)
{
}

unsigned long long
indexer_ticket(const struct indexer *ix)
{
	return 1;
}

int
indexer_done(const struct indexer *ix, unsigned long long ticket)
{
	return 1;
}

/* The example index is sound: a reader that finds it damaged is wrong. */
void
indexer_damaged(struct indexer *ix)
{
	FUZZ_ASSERT(!"a search found the example index damaged");
}

void
watch_drain(struct watch *w)
{
}

void
watch_inject_overflow(struct watch *w)
{
}

void
watch_stats(const struct watch *w, struct watch_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
}

/* Decodes %XX and '+' in place, as MHD does; stops at a decoded NUL. */
static void
percent_decode(char *s)
{
	char *out = s, hex[3] = {0};

	for (; *s; s++) {
		if (*s == '+') {
			*out++ = ' ';
		} else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
			   isxdigit((unsigned char)s[2])) {
			memcpy(hex, s + 1, 2);
			*out++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Adds the arguments of the query string qs (modified) to req. */
static void
request_args(struct api_request *req, char *qs)
{
	char *arg, *value, *save = NULL;

	for (arg = strtok_r(qs, "&", &save); arg;
	     arg = strtok_r(NULL, "&", &save)) {
		if (req->count == API_MAX_ARGS) {
			req->too_many = 1;
			return;
		}
		value = strchr(arg, '=');
		if (value)
			*value++ = '\0';
		percent_decode(arg);
		if (value)
			percent_decode(value);
		req->names[req->count] = arg;
		req->values[req->count++] = value ? value : "";
	}
}

/* Reads "METHOD TARGET" from line (modified) into req. */
static void
request_parse(struct api_request *req, char *line)
{
	char *target = strchr(line, ' '), *qs;

	req->method = "GET";
	if (target) {
		*target++ = '\0';
		req->method = line;
	} else {
		target = line;
	}
	qs = strchr(target, '?');
	if (qs) {
		*qs++ = '\0';
		request_args(req, qs);
	}
	percent_decode(target);
	req->path = target;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct api api = {
		.content_root = "/srv/videos",
		.url_template = "https://example.org/{path}/{slug}?t={start}",
		.test_hooks = 1,
	};
	unsigned long long ticket = 0;
	struct api_request req = {.ticket = &ticket};
	char *line = malloc(size + 1), *text;
	unsigned status = 0;
	json_t *body = NULL;

	FUZZ_ASSERT(line != NULL);
	memcpy(line, data, size);
	line[size] = '\0';
	api.reader = fuzz_index();
	request_parse(&req, line);
	FUZZ_ASSERT(api_handle(&api, &req, &status, &body) == API_ANSWER);
	FUZZ_ASSERT(status == 200 || status == 400 || status == 404 ||
		    status == 405);
	FUZZ_ASSERT(json_is_object(body));
	text = json_dumps(body, JSON_COMPACT);
	FUZZ_ASSERT(text != NULL);
	free(text);
	json_decref(body);
	free(line);
	return 0;
}
