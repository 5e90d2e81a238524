/*
 * settings.h: what epsearchd was asked to do. The command line wins over
 * the settings file (config.h), which wins over the XDG defaults
 * (paths.h). The file is read again on every reload; the command line
 * is kept as it was.
 */
#ifndef EPSEARCHD_SETTINGS_H
#define EPSEARCHD_SETTINGS_H

#include "config.h"

struct settings {
	struct config flags;	 /* the keys given on the command line */
	char *config_path;	 /* --config, or NULL for the default file */
	int scan_once;		 /* --scan-once */
	int test_hooks;		 /* --test-hooks */
	long test_max_watches;	 /* --test-max-watches */
	int idle_timeout_s;	 /* --test-idle-timeout */
	double sweep_interval_s; /* --sweep-interval */
};

/*
 * Reads the command line into *s. Returns 0; or an exit status (64) after
 * a usage error was printed. --help and --version print and exit 0.
 */
int settings_parse_args(int argc, char **argv, struct settings *s);

/*
 * Builds the settings in force into *out: flags over the file over the
 * defaults, content checked to be a directory (made absolute), the
 * socket's default only when need_socket. Returns 0, or a negative errno
 * with *errmsg set (*out is then empty). Free *out with config_clear.
 */
int settings_resolve(const struct settings *s, int need_socket,
		     struct config *out, char **errmsg);

void settings_clear(struct settings *s);

#endif
