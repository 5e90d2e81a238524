/*
 * main.c: epsearchd's command line, start-up and shut-down. It wires the
 * indexer (writes), a read connection (searches) and the HTTP server into
 * one libuv loop; the work itself lives in those modules.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "api.h"
#include "indexer.h"
#include "log.h"
#include "paths.h"
#include "scan.h"
#include "server.h"
#include "store.h"
#include "watch.h"

/* How often directories the watch limit refused are swept, by default. */
#define SWEEP_INTERVAL_S 60

struct options {
	char *content;
	char *socket;
	char *db;
	int scan_once;
	int test_hooks;
	long test_max_watches;
	double sweep_interval_s;
};

struct daemon {
	uv_loop_t *loop;
	struct options opt;
	struct indexer *indexer;
	struct store *reader;
	struct server *server;
	struct watch *watch;
	struct api api;
	uv_timer_t sweep;
	uv_signal_t sigint;
	uv_signal_t sigterm;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: epsearchd --content DIR [--socket PATH] [--db PATH]\n"
		"                 [--log-level LEVEL]\n"
		"\n"
		"Indexes the episode files under DIR and answers searches on a\n"
		"Unix socket (HTTP/1.1 + JSON: GET /search?q=..., GET /status).\n"
		"\n"
		"  --content DIR      the content tree, one Markdown file per "
		"episode\n"
		"  --socket PATH      default $XDG_RUNTIME_DIR/epsearch/"
		"epsearchd.sock\n"
		"  --db PATH          default $XDG_CACHE_HOME/epsearch/"
		"index.sqlite3\n"
		"  --log-level LEVEL  error, warning, notice (default), info, "
		"debug\n"
		"  --sweep-interval S seconds between sweeps of directories "
		"the\n"
		"                     inotify watch limit left unwatched "
		"(default 60)\n"
		"  --scan-once        bring the index in step with DIR, print "
		"what\n"
		"                     was done and exit; no socket\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n"
		"\n"
		"Exit status: 0 after SIGINT or SIGTERM, 1 when it cannot "
		"start,\n"
		"64 for a usage error.\n");
}

static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longs[] = {
		{"content", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"db", required_argument, NULL, 'd'},
		{"log-level", required_argument, NULL, 'l'},
		{"sweep-interval", required_argument, NULL, 'S'},
		{"scan-once", no_argument, NULL, 'O'},
		{"test-hooks", no_argument, NULL, 'T'},
		{"test-max-watches", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c, level;

	opt->sweep_interval_s = SWEEP_INTERVAL_S;
	while ((c = getopt_long(argc, argv, "hV", longs, NULL)) != -1) {
		switch (c) {
		case 'c': opt->content = optarg; break;
		case 's': opt->socket = optarg; break;
		case 'd': opt->db = optarg; break;
		case 'l':
			level = log_level_from_name(optarg);
			if (level < 0) {
				fprintf(stderr, "epsearchd: --log-level: "
						"unknown level '%s'\n", optarg);
				return 64;
			}
			log_set_level(level);
			break;
		case 'S': opt->sweep_interval_s = atof(optarg); break;
		case 'T': opt->test_hooks = 1; break;
		case 'O': opt->scan_once = 1; break;
		case 'M': opt->test_max_watches = atol(optarg); break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("epsearchd %s\n", EPSEARCH_VERSION); exit(0);
		default: return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "epsearchd: unexpected argument '%s'\n",
			argv[optind]);
		return 64;
	}
	if (opt->sweep_interval_s <= 0) {
		fprintf(stderr, "epsearchd: --sweep-interval: expected a "
				"positive number of seconds\n");
		return 64;
	}
	if (opt->content == NULL) {
		fprintf(stderr, "epsearchd: --content DIR is required\n"
				"try 'epsearchd --help'\n");
		return 64;
	}
	return 0;
}

/* Fills the paths not given on the command line from XDG. */
static int
resolve_paths(struct options *opt, int need_socket)
{
	struct stat sb;
	char *why = NULL, *real;

	real = realpath(opt->content, NULL);
	if (real == NULL || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		log_error("%s: not a directory: %s", opt->content,
			  real ? strerror(ENOTDIR) : strerror(errno));
		free(real);
		return -1;
	}
	opt->content = real;
	if (need_socket)
		opt->socket = opt->socket ? strdup(opt->socket)
					  : paths_default_socket(&why);
	if (opt->socket || !need_socket)
		opt->db = opt->db ? strdup(opt->db) : paths_default_db(&why);
	if ((need_socket && opt->socket == NULL) || opt->db == NULL) {
		log_error("%s", why ? why : strerror(ENOMEM));
		free(why);
		return -1;
	}
	return 0;
}

static void
daemon_batch_done(void *arg)
{
	struct daemon *d = arg;

	server_wake(d->server);
}

static void
daemon_stop(struct daemon *d)
{
	log_notice("stopping");
	server_stop(d->server);
	d->server = NULL;
	watch_stop(d->watch);
	d->watch = NULL;
	uv_close((uv_handle_t *)&d->sweep, NULL);
	indexer_close(d->indexer);
	d->indexer = NULL;
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
}

static void
daemon_signal(uv_signal_t *handle, int signum)
{
	daemon_stop(handle->data);
}

static void
daemon_changed(void *arg, const char *path)
{
	struct daemon *d = arg;

	indexer_note_path(d->indexer, path);
}

static void
daemon_lost(void *arg, const char *why)
{
	struct daemon *d = arg;

	log_warning("changes may have been missed (%s); comparing the whole "
		    "tree with the index",
		    why);
	watch_retry(d->watch);
	indexer_scan_all(d->indexer);
}

/* While the watch limit leaves directories unwatched, sweeps the tree. */
static void
daemon_sweep(uv_timer_t *timer)
{
	struct daemon *d = timer->data;
	struct watch_stats stats;

	watch_stats(d->watch, &stats);
	if (stats.unwatched == 0)
		return;
	watch_retry(d->watch);
	indexer_scan_all(d->indexer);
}

static int
daemon_watch(struct daemon *d)
{
	struct watch_events events = {daemon_changed, daemon_lost, d};
	uint64_t every = (uint64_t)(d->opt.sweep_interval_s * 1000);
	char *why = NULL;
	int rc;

	rc = watch_start(d->loop, d->opt.content, &events,
			 d->opt.test_max_watches, &d->watch, &why);
	if (rc != 0) {
		log_error("%s", why ? why : strerror(-rc));
		free(why);
		return rc;
	}
	uv_timer_init(d->loop, &d->sweep);
	d->sweep.data = d;
	uv_timer_start(&d->sweep, daemon_sweep, every, every);
	return 0;
}

static int
daemon_open_index(struct daemon *d)
{
	char *why = NULL;
	int rc;

	if (paths_make_parent(d->opt.db, 0700) != 0)
		log_warning("%s: cannot create its directory", d->opt.db);
	rc = indexer_open(d->loop, d->opt.content, d->opt.db,
			  daemon_batch_done, d, &d->indexer, &why);
	if (rc == 0)
		rc = store_open(d->opt.db, STORE_READER, &d->reader, &why);
	if (rc != 0) {
		log_error("%s", why ? why : strerror(-rc));
		free(why);
	}
	return rc;
}

/* --scan-once: one full scan in the foreground, then exit. */
static int
daemon_scan_once(const struct options *opt)
{
	struct scan_report report = {.on_error = log_file_error};
	struct store *st = NULL;
	char *why = NULL;
	int rc;

	rc = paths_make_parent(opt->db, 0700);
	if (rc == 0)
		rc = store_open(opt->db, STORE_WRITER, &st, &why);
	if (rc == 0)
		rc = scan_tree(st, opt->content, &report, &why);
	store_close(st);
	if (rc != 0) {
		log_error("%s", why ? why : strerror(-rc));
		free(why);
		return 1;
	}
	printf("%ld files: %ld indexed, %ld unchanged, %ld removed, "
	       "%ld failed\n",
	       report.files, report.indexed, report.unchanged, report.removed,
	       report.failed);
	return 0;
}

static int
daemon_serve(struct daemon *d)
{
	char *why = NULL;
	int fd, rc;

	fd = paths_listen(d->opt.socket, &why);
	if (fd < 0) {
		log_error("%s", why ? why : strerror(-fd));
		free(why);
		return fd;
	}
	d->api.reader = d->reader;
	d->api.indexer = d->indexer;
	d->api.watch = d->watch;
	d->api.content_root = d->opt.content;
	d->api.test_hooks = d->opt.test_hooks;
	rc = server_start(d->loop, fd, &d->api, &d->server, &why);
	if (rc != 0) {
		log_error("%s", why);
		free(why);
		close(fd);
		unlink(d->opt.socket);
	}
	return rc;
}

static void
daemon_watch_signals(struct daemon *d)
{
	uv_signal_init(d->loop, &d->sigint);
	uv_signal_init(d->loop, &d->sigterm);
	d->sigint.data = d->sigterm.data = d;
	uv_signal_start(&d->sigint, daemon_signal, SIGINT);
	uv_signal_start(&d->sigterm, daemon_signal, SIGTERM);
}

int
main(int argc, char **argv)
{
	struct daemon d = {0};
	int rc;

	rc = parse_options(argc, argv, &d.opt);
	if (rc != 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	if (d.opt.scan_once)
		return resolve_paths(&d.opt, 0) != 0 ? 1
						     : daemon_scan_once(&d.opt);
	d.loop = uv_default_loop();
	if (resolve_paths(&d.opt, 1) != 0 || daemon_open_index(&d) != 0 ||
	    daemon_watch(&d) != 0 || daemon_serve(&d) != 0) {
		indexer_close(d.indexer);
		store_close(d.reader);
		return 1;
	}
	daemon_watch_signals(&d);
	log_notice("serving %s on %s (index %s)", d.opt.content, d.opt.socket,
		   d.opt.db);
	indexer_scan_all(d.indexer);

	uv_run(d.loop, UV_RUN_DEFAULT);
	unlink(d.opt.socket);
	store_close(d.reader);
	uv_loop_close(d.loop);
	return 0;
}
