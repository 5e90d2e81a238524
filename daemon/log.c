/*
 * log.c: writes the daemon's log lines; see log.h. Each line is built
 * whole and written with one call, so lines from the indexing thread and
 * the loop thread never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int log_level = LOG_NOTICE;

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

void
log_set_level(int level)
{
	log_level = level;
}

int
log_level_from_name(const char *name)
{
	int level;

	for (level = LOG_ERR; level <= LOG_DEBUG; level++)
		if (strcmp(name, level_names[level]) == 0)
			return level;
	return -1;
}

/* Under systemd stderr is the journal, which reads the <N> prefix. */
static int
log_to_journal(void)
{
	static int journal = -1;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	return journal;
}

void
log_msg(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	if (level > log_level)
		return;
	if (log_to_journal())
		n = snprintf(line, sizeof(line), "<%d>", level);
	else if (level <= LOG_WARNING)
		n = snprintf(line, sizeof(line), "epsearchd: %s: ",
			     level_names[level]);
	else
		n = snprintf(line, sizeof(line), "epsearchd: ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return; /* nowhere left to say it */
}

void
log_file_error(void *arg, const char *path, const struct parse_error *err)
{
	if (err->line > 0)
		log_warning("%s:%d: %s", path, err->line, err->message);
	else
		log_warning("%s: %s", path, err->message);
}
