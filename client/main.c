/*
 * main.c: the epsearch command. It reads the options, asks epsearchd one
 * question over its Unix socket (a search, or its status), prints the
 * answer and turns the outcome into the exit status that --help lists.
 * Searching, ranking and indexing all happen in the daemon; this side only
 * asks and shows.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "http.h"
#include "render.h"

/* Exit statuses; 64, 71 and 74 are sysexits.h's USAGE, OSERR and IOERR. */
enum client_exit {
	CLIENT_HITS = 0, /* hits found, or status printed */
	CLIENT_NO_HITS = 1,
	CLIENT_UNREACHABLE = 2,
	CLIENT_DAEMON_ERROR = 3,
	CLIENT_USAGE = 64,
	CLIENT_SYSTEM_ERROR = 71,
	CLIENT_OUTPUT_ERROR = 74,
};

enum client_action {
	ACTION_SEARCH,
	ACTION_STATUS,
	ACTION_HELP,
	ACTION_VERSION,
};

/* What the command line asks for; the strings are owned. */
struct client_options {
	enum client_action action;
	char *socket_path;
	int json;
	long limit;   /* 0 leaves the number of hits to the daemon */
	long wait_ms; /* how long to wait for a daemon that is not up yet */
	char *query;  /* the words joined by spaces, or NULL */
};

enum client_option_id {
	OPTION_SOCKET = 256,
	OPTION_JSON,
	OPTION_LIMIT,
	OPTION_WAIT,
	OPTION_STATUS,
	OPTION_VERSION,
};

static const struct option client_long_options[] = {
    {"socket", required_argument, NULL, OPTION_SOCKET},
    {"json", no_argument, NULL, OPTION_JSON},
    {"limit", required_argument, NULL, OPTION_LIMIT},
    {"wait", required_argument, NULL, OPTION_WAIT},
    {"status", no_argument, NULL, OPTION_STATUS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPTION_VERSION},
    {NULL, 0, NULL, 0},
};

static const char client_help[] =
    "usage: epsearch [--socket PATH] [--json] [--limit N] [--wait SECONDS]"
    " QUERY...\n"
    "       epsearch --status [--socket PATH] [--json] [--wait SECONDS]\n"
    "\n"
    "Searches the video episodes indexed by epsearchd and prints the\n"
    "moments that match, each with its timestamp. The QUERY words are\n"
    "searched as one text; a query that starts with a dash goes after\n"
    "--, as in: epsearch -- --mount=type=cache\n"
    "\n"
    "options:\n"
    "  --socket PATH    epsearchd's socket (default:\n"
    "                   $XDG_RUNTIME_DIR/epsearch/epsearchd.sock)\n"
    "  --json           print the daemon's JSON answer instead of text\n"
    "  --limit N        show at most N episodes, 1 to 100 (default 10)\n"
    "  --wait SECONDS   if epsearchd is not up yet, keep trying that long\n"
    "  --status         show the index's counts and indexing errors\n"
    "  -h, --help       show this help and exit\n"
    "  --version        show the version and exit\n"
    "\n"
    "exit status:\n"
    "  0   hits found, or status printed\n"
    "  1   no hits\n"
    "  2   epsearchd could not be reached\n"
    "  3   epsearchd answered with an error, or with nothing usable\n"
    "  64  usage error\n"
    "  71  out of memory\n"
    "  74  the output could not be written\n";

/* Reports a command-line mistake; returns CLIENT_USAGE. */
static int
client_usage_error(const char *message, const char *argument)
{
	fprintf(stderr, "epsearch: %s", message);
	if (argument != NULL)
		fprintf(stderr, " '%s'", argument);
	fputs(" (see epsearch --help)\n", stderr);
	return CLIENT_USAGE;
}

static int
client_out_of_memory(void)
{
	fputs("epsearch: out of memory\n", stderr);
	return CLIENT_SYSTEM_ERROR;
}

/* Reads --limit: a whole number from 1 to INT_MAX; 0 or CLIENT_USAGE. */
static int
client_parse_limit(const char *text, long *limit)
{
	char *end;

	errno = 0;
	*limit = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || *limit < 1 ||
	    *limit > INT_MAX)
		return client_usage_error(
		    "--limit wants a positive whole number, not", text);
	return 0;
}

/* Reads --wait: seconds, fractions allowed, up to a day; 0 or usage. */
static int
client_parse_wait(const char *text, long *wait_ms)
{
	char *end;
	double seconds;

	errno = 0;
	seconds = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(seconds >= 0) ||
	    seconds > 86400)
		return client_usage_error(
		    "--wait wants a number of seconds, not", text);
	*wait_ms = (long)(seconds * 1000 + 0.5);
	return 0;
}

/* Records --status, --version or --help; help beats version beats status. */
static void
client_take_action(struct client_options *options, int id)
{
	if (id == 'h')
		options->action = ACTION_HELP;
	else if (id == OPTION_VERSION && options->action != ACTION_HELP)
		options->action = ACTION_VERSION;
	else if (id == OPTION_STATUS && options->action == ACTION_SEARCH)
		options->action = ACTION_STATUS;
}

/* Names the unknown option getopt_long stopped at; returns CLIENT_USAGE. */
static int
client_unknown_option(const char *argument)
{
	char short_option[3] = {'-', (char)optopt, '\0'};

	/* A short one may sit in a cluster such as "-hx": name it alone. */
	if (optopt > 0 && optopt < 128)
		return client_usage_error("unknown option", short_option);
	return client_usage_error("unknown option", argument);
}

/* Handles one option getopt_long returned; 0 or CLIENT_USAGE. */
static int
client_take_option(struct client_options *options, int id, char **argv)
{
	switch (id) {
	case OPTION_SOCKET:
		free(options->socket_path);
		options->socket_path = strdup(optarg);
		return options->socket_path ? 0 : client_out_of_memory();
	case OPTION_JSON:
		options->json = 1;
		return 0;
	case OPTION_LIMIT:
		return client_parse_limit(optarg, &options->limit);
	case OPTION_WAIT:
		return client_parse_wait(optarg, &options->wait_ms);
	case OPTION_STATUS:
	case OPTION_VERSION:
	case 'h':
		client_take_action(options, id);
		return 0;
	case ':':
		return client_usage_error("missing value for",
					  argv[optind - 1]);
	default:
		return client_unknown_option(argv[optind - 1]);
	}
}

/* Joins words with single spaces; returns a new string or NULL. */
static char *
client_join_words(char **words, int count)
{
	size_t length = 1;
	char *joined;
	int i;

	for (i = 0; i < count; i++)
		length += strlen(words[i]) + 1;
	joined = malloc(length);
	if (joined == NULL)
		return NULL;
	joined[0] = '\0';
	for (i = 0; i < count; i++) {
		if (i > 0)
			strcat(joined, " ");
		strcat(joined, words[i]);
	}
	return joined;
}

/* Returns whether text holds anything but spaces and tabs. */
static int
client_has_words(const char *text)
{
	return text != NULL && text[strspn(text, " \t\n")] != '\0';
}

/* Checks that the options and the words agree; 0 or CLIENT_USAGE. */
static int
client_check_options(struct client_options *options, int word_count)
{
	if (options->action == ACTION_HELP || options->action == ACTION_VERSION)
		return 0;
	if (options->action == ACTION_STATUS && word_count > 0)
		return client_usage_error("--status takes no query", NULL);
	if (options->action == ACTION_STATUS && options->limit > 0)
		return client_usage_error("--limit is for searches", NULL);
	if (options->action == ACTION_SEARCH &&
	    !client_has_words(options->query))
		return client_usage_error("no query given", NULL);
	return 0;
}

/* Fills options from argv; 0, or the exit status after a message. */
static int
client_parse_options(struct client_options *options, int argc, char **argv)
{
	int id;
	int rc;

	opterr = 0; /* the messages are ours, and point at --help */
	while ((id = getopt_long(argc, argv, ":h", client_long_options,
				 NULL)) != -1) {
		rc = client_take_option(options, id, argv);
		if (rc != 0)
			return rc;
	}
	if (optind < argc) {
		options->query =
		    client_join_words(argv + optind, argc - optind);
		if (options->query == NULL)
			return client_out_of_memory();
	}
	return client_check_options(options, argc - optind);
}

/*
 * Sets the socket path when --socket did not: the XDG runtime directory's,
 * which is only trusted when absolute. Returns 0 or the exit status.
 */
static int
client_default_socket(struct client_options *options)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	if (options->socket_path != NULL)
		return 0;
	if (runtime == NULL || runtime[0] != '/') {
		fputs("epsearch: XDG_RUNTIME_DIR is not set to an absolute "
		      "path, so epsearchd's socket cannot be found; give it "
		      "with --socket PATH\n",
		      stderr);
		return CLIENT_UNREACHABLE;
	}
	if (asprintf(&options->socket_path, "%s/epsearch/epsearchd.sock",
		     runtime) < 0) {
		options->socket_path = NULL;
		return client_out_of_memory();
	}
	return 0;
}

static void
client_options_clear(struct client_options *options)
{
	free(options->socket_path);
	free(options->query);
	memset(options, 0, sizeof(*options));
}

/* Prints the daemon's body for --json as it came, ending in a newline. */
static void
client_print_body(const struct http_response *response)
{
	fwrite(response->body, 1, response->length, stdout);
	if (response->length == 0 ||
	    response->body[response->length - 1] != '\n')
		fputc('\n', stdout);
}

/* Reports a failed request; returns the exit status it calls for. */
static int
client_request_failed(const struct client_options *options, int rc,
		      const char *message)
{
	if (rc == -ENOMEM)
		return client_out_of_memory();
	if (rc == -EPROTO) {
		fprintf(stderr,
			"epsearch: no usable answer from epsearchd at "
			"%s: %s\n",
			options->socket_path, message);
		return CLIENT_DAEMON_ERROR;
	}
	fprintf(stderr,
		"epsearch: cannot reach epsearchd at %s (%s); start it with: "
		"epsearchd --content DIR --socket %s\n",
		options->socket_path, message, options->socket_path);
	return CLIENT_UNREACHABLE;
}

/*
 * Reports an HTTP error answer, with the daemon's own "error" message
 * when it sent one; --json also gets the body on standard output.
 */
static int
client_daemon_error(const struct client_options *options,
		    const struct http_response *response)
{
	json_t *body = json_loadb(response->body, response->length, 0, NULL);
	const char *message = json_string_value(json_object_get(body, "error"));

	if (options->json && body != NULL)
		client_print_body(response);
	if (message != NULL)
		fprintf(stderr, "epsearch: epsearchd: %s\n", message);
	else
		fprintf(stderr, "epsearch: epsearchd answered HTTP %ld\n",
			response->status);
	json_decref(body);
	return CLIENT_DAEMON_ERROR;
}

/*
 * GETs target and parses the answer. Returns 0 with *response (cleared by
 * the caller) and *answer (dropped with json_decref), or the exit status
 * after a message.
 */
static int
client_fetch(const struct client_options *options, struct http_client *http,
	     const char *target, struct http_response *response,
	     json_t **answer)
{
	json_error_t json_error;
	char *message = NULL;
	int rc;

	rc =
	    http_client_get(http, target, options->wait_ms, response, &message);
	if (rc < 0) {
		rc = client_request_failed(options, rc, message);
		free(message);
		return rc;
	}
	if (response->status < 200 || response->status > 299) {
		rc = client_daemon_error(options, response);
		http_response_clear(response);
		return rc;
	}
	*answer = json_loadb(response->body, response->length, 0, &json_error);
	if (*answer == NULL) {
		fprintf(stderr,
			"epsearch: epsearchd's answer is not JSON: %s\n",
			json_error.text);
		http_response_clear(response);
		return CLIENT_DAEMON_ERROR;
	}
	return 0;
}

/* Returns "/search?q=...[&limit=N]" (free it), or NULL. */
static char *
client_search_target(const struct client_options *options,
		     struct http_client *http)
{
	char *query = http_client_escape(http, options->query);
	char *target = NULL;
	int rc;

	if (query == NULL)
		return NULL;
	if (options->limit > 0)
		rc = asprintf(&target, "/search?q=%s&limit=%ld", query,
			      options->limit);
	else
		rc = asprintf(&target, "/search?q=%s", query);
	free(query);
	return rc < 0 ? NULL : target;
}

/* Returns how many columns a line of text output may take. */
static int
client_output_width(void)
{
	struct winsize size;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
		return size.ws_col;
	return RENDER_DEFAULT_WIDTH;
}

/* Prints a search answer; returns the exit status. */
static int
client_show_hits(const struct client_options *options,
		 const struct http_response *response, const json_t *answer)
{
	int count = render_hit_count(answer);
	const char *no_color = getenv("NO_COLOR");
	struct render_style style = {
	    .width = client_output_width(),
	    .bold = isatty(STDOUT_FILENO) && !(no_color && *no_color),
	};
	char *message = NULL;

	if (count < 0) {
		fputs("epsearch: epsearchd's answer has no \"hits\" list\n",
		      stderr);
		return CLIENT_DAEMON_ERROR;
	}
	if (options->json)
		client_print_body(response);
	else if (count == 0)
		render_no_hits(stdout, answer, options->query);
	else if (render_search(stdout, answer, &style, &message) < 0) {
		fprintf(stderr, "epsearch: %s\n", message);
		free(message);
		return CLIENT_DAEMON_ERROR;
	}
	return count > 0 ? CLIENT_HITS : CLIENT_NO_HITS;
}

/* Runs a search; returns the exit status. */
static int
client_search(const struct client_options *options, struct http_client *http)
{
	char *target = client_search_target(options, http);
	struct http_response response = {0};
	json_t *answer = NULL;
	int rc;

	if (target == NULL)
		return client_out_of_memory();
	rc = client_fetch(options, http, target, &response, &answer);
	free(target);
	if (rc != 0)
		return rc;
	rc = client_show_hits(options, &response, answer);
	json_decref(answer);
	http_response_clear(&response);
	return rc;
}

/* Asks for and prints the daemon's status; returns the exit status. */
static int
client_status(const struct client_options *options, struct http_client *http)
{
	struct http_response response = {0};
	json_t *answer = NULL;
	char *message = NULL;
	int rc;

	rc = client_fetch(options, http, "/status", &response, &answer);
	if (rc != 0)
		return rc;
	if (options->json)
		client_print_body(&response);
	else if (render_status(stdout, answer, &message) < 0) {
		fprintf(stderr, "epsearch: %s\n", message);
		free(message);
		rc = CLIENT_DAEMON_ERROR;
	}
	json_decref(answer);
	http_response_clear(&response);
	return rc;
}

/* Opens the connection side and runs the action; returns the exit status. */
static int
client_run(struct client_options *options)
{
	struct http_client *http = NULL;
	char *message = NULL;
	int rc;

	rc = client_default_socket(options);
	if (rc != 0)
		return rc;
	rc = http_client_open(&http, options->socket_path, &message);
	if (rc < 0) {
		rc = client_request_failed(options, rc, message);
		free(message);
		return rc;
	}
	if (options->action == ACTION_STATUS)
		rc = client_status(options, http);
	else
		rc = client_search(options, http);
	http_client_close(http);
	return rc;
}

/*
 * Flushes standard output. A reader that went away early, as "| head"
 * does, is no error: the exit status stays what the search made it.
 */
static int
client_finish_output(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno == EPIPE)
		return status;
	fprintf(stderr, "epsearch: cannot write the output: %s\n",
		strerror(errno));
	return CLIENT_OUTPUT_ERROR;
}

int
main(int argc, char **argv)
{
	struct client_options options = {0};
	int status;

	/* Writes to a closed pipe then fail with EPIPE instead of killing. */
	signal(SIGPIPE, SIG_IGN);
	status = client_parse_options(&options, argc, argv);
	if (status == 0 && options.action == ACTION_HELP)
		fputs(client_help, stdout);
	else if (status == 0 && options.action == ACTION_VERSION)
		printf("epsearch %s\n", EPSEARCH_VERSION);
	else if (status == 0)
		status = client_run(&options);
	client_options_clear(&options);
	return client_finish_output(status);
}
