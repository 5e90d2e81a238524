/*
 * config.h: epsearchd's settings file, a YAML mapping of a few keys read
 * with libyaml:
 *
 *     content: ~/site/content/videos
 *     socket: /run/user/1000/epsearch/epsearchd.sock
 *     db: ~/.cache/epsearch/index.sqlite3
 *     log_level: info
 *     url_template: https://example.org/watch/{slug}?t={start}
 *     allow_group: www-data
 *
 * Every key is optional. Paths are absolute or start with "~/". It reads
 * and checks the file; which setting wins over which is main.c's affair.
 */
#ifndef EPSEARCHD_CONFIG_H
#define EPSEARCHD_CONFIG_H

struct config {
	char *content; /* NULL when not set, likewise below */
	char *socket;
	char *db;
	char *url_template; /* checked with url_template_check */
	char *allow_group;  /* a group that exists; socket shared with it */
	int log_level;	    /* LOG_ERR .. LOG_DEBUG, or -1 when not set */
};

/*
 * Reads the file at path into *out (emptied first). A missing file is an
 * empty config unless must_exist. Returns 0, or a negative errno with
 * *errmsg set to one line naming the file, the line and the key at fault;
 * *out is then empty. The caller frees *out with config_clear.
 */
int config_load(const char *path, int must_exist, struct config *out,
		char **errmsg);

/* Frees what c holds and leaves it empty. */
void config_clear(struct config *c);

#endif
