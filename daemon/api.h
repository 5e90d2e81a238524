/*
 * api.h: the HTTP API's routes, independent of the HTTP library: a request
 * is a method, a path and its query arguments; an answer is a status and a
 * JSON body. Routes: GET /search, GET /status, and with test hooks on,
 * POST /debug/overflow.
 */
#ifndef EPSEARCHD_API_H
#define EPSEARCHD_API_H

#include <jansson.h>

#include "indexer.h"
#include "store.h"
#include "watch.h"

#define API_MAX_ARGS 16

struct api {
	struct store *reader;
	struct indexer *indexer;
	struct watch *watch;
	const char *content_root;
	const char *url_template; /* a url on each hit and moment, or NULL */
	int test_hooks; /* serve POST /debug/overflow */
};

struct api_request {
	const char *method;
	const char *path;
	/* The query arguments, decoded; names[i] goes with values[i]. */
	const char *names[API_MAX_ARGS];
	const char *values[API_MAX_ARGS];
	int count;
	int too_many; /* more than API_MAX_ARGS were sent */
	/* Kept by the caller across the asks of one request: the batch a
	 * sync=1 search waits for, 0 before it is chosen. */
	unsigned long long *ticket;
};

enum api_result {
	API_ANSWER, /* *status and *body are set */
	API_WAIT,   /* ask again after the next batch ends */
};

/* Handles one request; the caller owns *body. */
enum api_result api_handle(struct api *api, const struct api_request *req,
			   unsigned *status, json_t **body);

#endif
