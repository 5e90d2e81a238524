/*
 * settings.c: the command line, and the settings in force made of it, the
 * settings file and the defaults; see settings.h. It checks values; it
 * does not act on them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "paths.h"
#include "server.h"
#include "settings.h"
#include "url.h"

/* How often directories the watch limit refused are swept, by default. */
#define SWEEP_INTERVAL_S 60

static void
settings_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: epsearchd [--content DIR] [--socket PATH] [--db PATH]\n"
	    "                 [--log-level LEVEL] [--config PATH]\n"
	    "\n"
	    "Indexes the episode files under DIR and answers searches on a\n"
	    "Unix socket (HTTP/1.1 + JSON: GET /search?q=..., GET /status).\n"
	    "Flags win over the settings file; SIGHUP reads it again.\n"
	    "\n"
	    "  --content DIR      the content tree, one Markdown file per "
	    "episode\n"
	    "  --socket PATH      default $XDG_RUNTIME_DIR/epsearch/"
	    "epsearchd.sock\n"
	    "  --db PATH          default $XDG_CACHE_HOME/epsearch/"
	    "index.sqlite3\n"
	    "  --log-level LEVEL  error, warning, notice (default), info, "
	    "debug\n"
	    "  --url-template T   a url for each hit, e.g. "
	    "https://x.org/{slug}?t={start}\n"
	    "  --config PATH      default $XDG_CONFIG_HOME/epsearch/"
	    "config.yaml\n"
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

/* Checks the values getopt cannot; 0 or 64 after saying why. */
static int
settings_check_args(const struct settings *s)
{
	char why[256];

	if (s->idle_timeout_s <= 0) {
		fprintf(stderr, "epsearchd: --test-idle-timeout: expected a "
				"positive number of seconds\n");
		return 64;
	}
	if (s->sweep_interval_s <= 0) {
		fprintf(stderr, "epsearchd: --sweep-interval: expected a "
				"positive number of seconds\n");
		return 64;
	}
	if (s->flags.url_template &&
	    url_template_check(s->flags.url_template, why, sizeof(why))) {
		fprintf(stderr, "epsearchd: --url-template: %s\n", why);
		return 64;
	}
	return 0;
}

/* Keeps a copy of a flag's value; 0 or 71 (out of memory). */
static int
settings_keep(char **dst, const char *value)
{
	free(*dst);
	*dst = strdup(value);
	return *dst ? 0 : 71;
}

/* One option; 0, 64 for a usage error, or -1 when none was left. */
static int
settings_option(int c, struct settings *s)
{
	switch (c) {
	case 'c':
		return settings_keep(&s->flags.content, optarg);
	case 's':
		return settings_keep(&s->flags.socket, optarg);
	case 'd':
		return settings_keep(&s->flags.db, optarg);
	case 'u':
		return settings_keep(&s->flags.url_template, optarg);
	case 'C':
		return settings_keep(&s->config_path, optarg);
	case 'S':
		s->sweep_interval_s = atof(optarg);
		return 0;
	case 'T':
		s->test_hooks = 1;
		return 0;
	case 'O':
		s->scan_once = 1;
		return 0;
	case 'M':
		s->test_max_watches = atol(optarg);
		return 0;
	case 'I':
		s->idle_timeout_s = atoi(optarg);
		return 0;
	case 'h':
		settings_usage(stdout);
		exit(0);
	case 'V':
		printf("epsearchd %s\n", EPSEARCH_VERSION);
		exit(0);
	case 'l':
		s->flags.log_level = log_level_from_name(optarg);
		if (s->flags.log_level >= 0)
			return 0;
		fprintf(stderr, "epsearchd: --log-level: unknown level '%s'\n",
			optarg);
		return 64;
	default:
		return 64;
	}
}

int
settings_parse_args(int argc, char **argv, struct settings *s)
{
	static const struct option longs[] = {
	    {"content", required_argument, NULL, 'c'},
	    {"socket", required_argument, NULL, 's'},
	    {"db", required_argument, NULL, 'd'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"url-template", required_argument, NULL, 'u'},
	    {"config", required_argument, NULL, 'C'},
	    {"sweep-interval", required_argument, NULL, 'S'},
	    {"scan-once", no_argument, NULL, 'O'},
	    {"test-hooks", no_argument, NULL, 'T'},
	    {"test-max-watches", required_argument, NULL, 'M'},
	    {"test-idle-timeout", required_argument, NULL, 'I'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc;

	memset(s, 0, sizeof(*s));
	s->flags.log_level = -1;
	s->sweep_interval_s = SWEEP_INTERVAL_S;
	s->idle_timeout_s = SERVER_IDLE_TIMEOUT;
	while ((c = getopt_long(argc, argv, "hV", longs, NULL)) != -1)
		if ((rc = settings_option(c, s)) != 0)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "epsearchd: unexpected argument '%s'\n",
			argv[optind]);
		return 64;
	}
	return settings_check_args(s);
}

/* *dst becomes a copy of the flag if given, else the file's value. */
static int
settings_pick(char **dst, const char *flag, char **from_file)
{
	if (flag == NULL) {
		*dst = *from_file;
		*from_file = NULL;
		return 0;
	}
	*dst = strdup(flag);
	return *dst ? 0 : -ENOMEM;
}

static int
settings_merge(const struct config *flags, struct config *file,
	       struct config *out)
{
	int rc = settings_pick(&out->content, flags->content, &file->content);

	if (rc == 0)
		rc = settings_pick(&out->socket, flags->socket, &file->socket);
	if (rc == 0)
		rc = settings_pick(&out->db, flags->db, &file->db);
	if (rc == 0)
		rc = settings_pick(&out->url_template, flags->url_template,
				   &file->url_template);
	if (rc == 0) /* the file's alone: no flag gives it */
		rc = settings_pick(&out->allow_group, NULL, &file->allow_group);
	out->log_level = flags->log_level >= 0	? flags->log_level
			 : file->log_level >= 0 ? file->log_level
						: LOG_NOTICE;
	return rc;
}

/* The content tree must be given and be a directory; made absolute. */
static int
settings_content(struct config *c, const char *config_path, char **errmsg)
{
	struct stat sb;
	char *real;
	int rc;

	if (c->content == NULL) {
		if (asprintf(errmsg,
			     "no content tree: give --content DIR, "
			     "or content: DIR in %s",
			     config_path ? config_path : "the settings file") <
		    0)
			*errmsg = NULL;
		return -EINVAL;
	}
	real = realpath(c->content, NULL);
	if (real == NULL || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = real ? -ENOTDIR : -errno;
		if (asprintf(errmsg, "%s: not a directory: %s", c->content,
			     strerror(-rc)) < 0)
			*errmsg = NULL;
		free(real);
		return rc;
	}
	free(c->content);
	c->content = real;
	return 0;
}

static int
settings_defaults(struct config *c, int need_socket, char **errmsg)
{
	if (need_socket && c->socket == NULL &&
	    (c->socket = paths_default_socket(errmsg)) == NULL)
		return *errmsg ? -EINVAL : -ENOMEM;
	if (c->db == NULL && (c->db = paths_default_db(errmsg)) == NULL)
		return *errmsg ? -EINVAL : -ENOMEM;
	return 0;
}

int
settings_resolve(const struct settings *s, int need_socket, struct config *out,
		 char **errmsg)
{
	char *path =
	    s->config_path ? strdup(s->config_path) : paths_default_config();
	struct config file;
	int rc = 0;

	*errmsg = NULL;
	memset(out, 0, sizeof(*out));
	memset(&file, 0, sizeof(file));
	file.log_level = -1;
	if (path)
		rc = config_load(path, s->config_path != NULL, &file, errmsg);
	if (rc == 0)
		rc = settings_merge(&s->flags, &file, out);
	if (rc == 0)
		rc = settings_content(out, path, errmsg);
	if (rc == 0)
		rc = settings_defaults(out, need_socket, errmsg);
	if (rc != 0)
		config_clear(out);
	config_clear(&file);
	free(path);
	return rc;
}

void
settings_clear(struct settings *s)
{
	config_clear(&s->flags);
	free(s->config_path);
}
