/*
 * main.c: epsearchd's start-up, reloads and shut-down. It wires the
 * indexer (writes), a read connection (searches), the watch and the HTTP
 * server into one libuv loop, and tells systemd how it is doing; the work
 * itself lives in those modules, what to do in settings.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <uv.h>

#include "api.h"
#include "indexer.h"
#include "log.h"
#include "notify.h"
#include "paths.h"
#include "scan.h"
#include "search.h"
#include "server.h"
#include "settings.h"
#include "store.h"
#include "watch.h"

struct daemon {
	uv_loop_t *loop;
	struct settings args;
	struct config cfg; /* the settings in force */
	int inherited;	   /* the socket came from systemd: not ours */
	struct indexer *indexer;
	struct store *reader;
	struct server *server;
	struct watch *watch;
	struct api api;
	uv_timer_t sweep;
	uv_signal_t sigint;
	uv_signal_t sigterm;
	uv_signal_t sighup;
	/* The full scan whose end is reported to systemd, or 0. */
	unsigned long long scan_ticket;
	/* Files the index held before that scan; read by the worker. */
	atomic_long expected_files;
	/* EX_TEMPFAIL once the index could not be rebuilt: systemd restarts
	 * the daemon then, as it does not after a bad setting (status 1). */
	int exit_status;
};

/* Logs why and frees it; returns rc. */
static int
daemon_fail(int rc, char *why)
{
	log_error("%s", why ? why : strerror(-rc));
	free(why);
	return rc;
}

/*
 * During a full scan, on the worker thread: "scanning: 1200/5000 files".
 * It reads nothing a reload may free.
 */
static void
daemon_scan_progress(void *arg, long files)
{
	struct daemon *d = arg;
	long expected = atomic_load(&d->expected_files);

	if (files < expected)
		notify_status("scanning: %ld/%ld files", files, expected);
	else
		notify_status("scanning: %ld files", files);
}

/* Starts a full scan and reports on it until it ends. */
static void
daemon_scan(struct daemon *d)
{
	struct store_counts counts = {0};

	if (d->reader)
		store_counts(d->reader, &counts);
	atomic_store(&d->expected_files, (long)counts.files);
	notify_status("scanning %s", d->cfg.content);
	indexer_scan_all(d->indexer);
	d->scan_ticket = indexer_ticket(d->indexer);
}

static void
daemon_scan_summary(struct daemon *d)
{
	struct store_counts c = {0};

	if (d->reader == NULL || store_counts(d->reader, &c) != 0) {
		notify_status("scanned %s", d->cfg.content);
		return;
	}
	notify_status("%lld episodes, %lld chapters from %lld files "
		      "(%lld with errors) in %s",
		      c.episodes, c.chapters, c.files, c.errors,
		      d->cfg.content);
}

static void
daemon_batch_done(void *arg)
{
	struct daemon *d = arg;

	if (d->scan_ticket && indexer_done(d->indexer, d->scan_ticket)) {
		d->scan_ticket = 0;
		daemon_scan_summary(d);
	}
	server_wake(d->server);
}

static void
daemon_stop(struct daemon *d)
{
	notify_stopping();
	log_notice("stopping");
	server_stop(d->server);
	d->server = NULL;
	watch_stop(d->watch);
	d->watch = NULL;
	uv_close((uv_handle_t *)&d->sweep, NULL);
	/* The reader goes first: the writer, closing last, checkpoints the
	 * WAL and removes it, which a read-only connection cannot do. */
	store_close(d->reader);
	d->reader = NULL;
	indexer_close(d->indexer);
	d->indexer = NULL;
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sighup, NULL);
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

/* Starts watching content; 0 and *out, or a negative errno, logged. */
static int
daemon_watch(struct daemon *d, const char *content, struct watch **out)
{
	struct watch_events events = {daemon_changed, daemon_lost, d};
	char *why = NULL;
	int rc;

	rc = watch_start(d->loop, content, &events, d->args.test_max_watches,
			 out, &why);
	return rc != 0 ? daemon_fail(rc, why) : 0;
}

/* Opens the read connection searches use; 0 or a negative errno, logged. */
static int
daemon_open_reader(struct daemon *d)
{
	char *why = NULL;
	int rc;

	rc = store_open(d->cfg.db, STORE_READER, &d->reader, &why);
	if (rc != 0)
		return daemon_fail(rc, why);
	rc = search_attach(d->reader);
	if (rc != 0)
		return daemon_fail(rc, strdup("cannot ready the index for "
					      "searches"));
	d->api.reader = d->reader;
	return 0;
}

/* Around the rebuild of a damaged index, the read connection follows. */
static void
daemon_rebuild(void *arg, enum indexer_rebuild_phase phase)
{
	struct daemon *d = arg;

	if (phase == INDEXER_REBUILD_START) {
		store_close(d->reader);
		d->reader = d->api.reader = NULL;
		return;
	}
	if (phase == INDEXER_REBUILD_DONE && daemon_open_reader(d) == 0)
		return;
	log_error("stopping: there is no index to search");
	d->exit_status = EX_TEMPFAIL;
	raise(SIGTERM); /* stops cleanly from the loop */
}

static int
daemon_open_index(struct daemon *d)
{
	char *why = NULL;
	int rc;

	if (paths_make_parent(d->cfg.db, 0700) != 0)
		log_warning("%s: cannot create its directory", d->cfg.db);
	rc = indexer_open(d->loop, d->cfg.content, d->cfg.db, daemon_batch_done,
			  d, &d->indexer, &why);
	if (rc != 0)
		return daemon_fail(rc, why);
	rc = daemon_open_reader(d);
	if (rc != 0)
		return rc;
	indexer_on_progress(d->indexer, daemon_scan_progress, d);
	indexer_on_rebuild(d->indexer, daemon_rebuild, d);
	return 0;
}

/* --scan-once: one full scan in the foreground, then exit. */
static int
daemon_scan_once(const struct config *cfg)
{
	struct scan_report report = {.on_error = log_file_error};
	struct store *st = NULL;
	char *why = NULL;
	int rc;

	rc = paths_make_parent(cfg->db, 0700);
	if (rc == 0)
		rc = store_open(cfg->db, STORE_WRITER, &st, &why);
	if (rc == 0)
		rc = scan_tree(st, cfg->content, &report, &why);
	store_close(st);
	if (rc != 0) {
		daemon_fail(rc, why);
		return 1;
	}
	printf("%ld files: %ld indexed, %ld unchanged, %ld removed, "
	       "%ld failed\n",
	       report.files, report.indexed, report.unchanged, report.removed,
	       report.failed);
	return 0;
}

/* Serves on fd: the inherited socket, or one bound at the socket path. */
static int
daemon_serve(struct daemon *d, int fd)
{
	struct server_options options = {d->args.idle_timeout_s, -1};
	char *why = NULL;
	int rc;

	rc = paths_group_id(d->cfg.allow_group, &options.allow_gid, &why);
	if (rc != 0)
		return daemon_fail(rc, why);
	if (fd == -ENOENT)
		fd = paths_listen(d->cfg.socket, options.allow_gid, &why);
	if (fd < 0)
		return daemon_fail(fd, why);
	d->api.reader = d->reader;
	d->api.indexer = d->indexer;
	d->api.content_root = d->cfg.content;
	d->api.url_template = d->cfg.url_template;
	d->api.test_hooks = d->args.test_hooks;
	rc = server_start(d->loop, fd, &d->api, &options, &d->server, &why);
	if (rc != 0) {
		close(fd);
		if (!d->inherited)
			unlink(d->cfg.socket);
		return daemon_fail(rc, why);
	}
	return 0;
}

/*
 * Moves to another content tree. The new tree is watched before the old
 * one is let go, so a tree that cannot be watched changes nothing.
 */
static int
daemon_move(struct daemon *d, const char *content)
{
	struct watch *w;
	int rc;

	rc = daemon_watch(d, content, &w);
	if (rc != 0)
		return rc;
	rc = indexer_set_root(d->indexer, content);
	if (rc != 0) {
		watch_stop(w);
		return daemon_fail(rc, NULL);
	}
	watch_stop(d->watch);
	d->watch = d->api.watch = w;
	log_notice("now indexing %s", content);
	return 0;
}

/* The socket and the index stay as they are until a restart. */
static void
daemon_keep_fixed(struct daemon *d, struct config *next)
{
	char *swap;

	if (!d->inherited && strcmp(next->socket, d->cfg.socket) != 0)
		log_warning("socket: %s takes effect when epsearchd restarts; "
			    "still serving on %s",
			    next->socket, d->cfg.socket);
	if (strcmp(next->db, d->cfg.db) != 0)
		log_warning("db: %s takes effect when epsearchd restarts; "
			    "still using %s",
			    next->db, d->cfg.db);
	if (strcmp(next->allow_group ? next->allow_group : "",
		   d->cfg.allow_group ? d->cfg.allow_group : "") != 0)
		log_warning("allow_group: takes effect when epsearchd "
			    "restarts");
	swap = next->allow_group, next->allow_group = d->cfg.allow_group,
	d->cfg.allow_group = swap;
	swap = next->socket, next->socket = d->cfg.socket, d->cfg.socket = swap;
	swap = next->db, next->db = d->cfg.db, d->cfg.db = swap;
}

/* Puts next in force; it is emptied, or left as it was on failure. */
static int
daemon_apply(struct daemon *d, struct config *next)
{
	struct config old;

	if (strcmp(next->content, d->cfg.content) != 0 &&
	    daemon_move(d, next->content) != 0)
		return -1;
	daemon_keep_fixed(d, next);
	old = d->cfg;
	d->cfg = *next;
	config_clear(&old);
	memset(next, 0, sizeof(*next));
	log_set_level(d->cfg.log_level);
	d->api.content_root = d->cfg.content;
	d->api.url_template = d->cfg.url_template;
	return 0;
}

/* SIGHUP: reads the settings again and compares the tree anew. */
static void
daemon_reload(uv_signal_t *handle, int signum)
{
	struct daemon *d = handle->data;
	struct config next;
	char *why = NULL;
	int rc;

	notify_reloading();
	rc = settings_resolve(&d->args, !d->inherited, &next, &why);
	if (rc != 0) {
		log_error("reload: %s; the settings in force are kept",
			  why ? why : strerror(-rc));
		free(why);
	} else if (daemon_apply(d, &next) != 0) {
		log_error("reload: the settings in force are kept");
		config_clear(&next);
	} else {
		log_notice("reloaded the settings");
	}
	daemon_scan(d);
	notify_ready();
}

static void
daemon_signal(uv_signal_t *handle, int signum)
{
	daemon_stop(handle->data);
}

/* Signals, and the sweep for directories the watch limit refused. */
static void
daemon_start_handles(struct daemon *d)
{
	uint64_t every = (uint64_t)(d->args.sweep_interval_s * 1000);

	uv_signal_init(d->loop, &d->sigint);
	uv_signal_init(d->loop, &d->sigterm);
	uv_signal_init(d->loop, &d->sighup);
	d->sigint.data = d->sigterm.data = d->sighup.data = d;
	uv_signal_start(&d->sigint, daemon_signal, SIGINT);
	uv_signal_start(&d->sigterm, daemon_signal, SIGTERM);
	uv_signal_start(&d->sighup, daemon_reload, SIGHUP);
	uv_timer_init(d->loop, &d->sweep);
	d->sweep.data = d;
	uv_timer_start(&d->sweep, daemon_sweep, every, every);
}

/* Serves until SIGINT or SIGTERM; the exit status. */
static int
daemon_run(struct daemon *d, int fd)
{
	d->loop = uv_default_loop();
	if (daemon_open_index(d) != 0 ||
	    daemon_watch(d, d->cfg.content, &d->watch) != 0 ||
	    daemon_serve(d, fd) != 0) {
		indexer_close(d->indexer);
		store_close(d->reader);
		return 1;
	}
	d->api.watch = d->watch;
	daemon_start_handles(d);
	log_notice("serving %s on %s (index %s)", d->cfg.content,
		   d->inherited ? "the inherited socket" : d->cfg.socket,
		   d->cfg.db);
	notify_ready();
	daemon_scan(d);

	uv_run(d->loop, UV_RUN_DEFAULT);
	if (!d->inherited)
		unlink(d->cfg.socket); /* an inherited one is systemd's */
	uv_loop_close(d->loop);
	return d->exit_status;
}

int
main(int argc, char **argv)
{
	struct daemon d = {0};
	char *why = NULL;
	int rc, fd;

	rc = settings_parse_args(argc, argv, &d.args);
	if (rc != 0) {
		settings_clear(&d.args); /* the flags read before the bad one */
		return rc;
	}
	signal(SIGPIPE, SIG_IGN);
	fd = d.args.scan_once ? -ENOENT : paths_inherited(&why);
	d.inherited = fd >= 0;
	if (fd < 0 && fd != -ENOENT)
		rc = daemon_fail(fd, why);
	else if ((rc = settings_resolve(&d.args,
					!d.args.scan_once && !d.inherited,
					&d.cfg, &why)) != 0)
		daemon_fail(rc, why);
	if (rc == 0) {
		log_set_level(d.cfg.log_level);
		rc = d.args.scan_once ? daemon_scan_once(&d.cfg)
				      : daemon_run(&d, fd);
	}
	config_clear(&d.cfg);
	settings_clear(&d.args);
	if (rc == EX_TEMPFAIL)
		return rc;
	return rc == 0 ? 0 : 1;
}
