/*
 * log.h: one line per event on stderr. Under systemd (JOURNAL_STREAM set)
 * each line carries an sd-daemon priority prefix ("<4>") so journald keeps
 * its level; elsewhere it reads "epsearchd: warning: ...". No timestamps:
 * the journal or the terminal adds those.
 */
#ifndef EPSEARCHD_LOG_H
#define EPSEARCHD_LOG_H

#include <syslog.h>

#include "frontmatter.h"

/* Sets the most verbose level written (LOG_ERR .. LOG_DEBUG). */
void log_set_level(int level);

/* Reads "error", "warning", "notice", "info" or "debug"; -1 otherwise. */
int log_level_from_name(const char *name);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Logs why an episode file cannot be used, as "path:line: message"; a
 * scan_report's on_error, so each broken version is logged once.
 */
void log_file_error(void *arg, const char *path, const struct parse_error *err);

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
