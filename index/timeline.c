/*
 * timeline.c: finds the timeline a description carries, one line per
 * moment ("00:50 - Introductions", "(01:42) - The Path", "00:00: Intro",
 * "- 04:32 - OCI Registry Support"), and takes those lines out of the
 * description. A line counts only when it starts with a timestamp that is
 * followed by a separator or a space and then text: times in prose
 * ("starts at 2:00 PM") stay prose. It expects text_normalize()d input
 * and does not set the moments' ends; the caller knows the duration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timeline.h"
#include "timestamp.h"

/* One line of a description: n bytes at s, without its line break. */
struct timeline_line {
	const char *s;
	size_t n;
};

/*
 * Cuts the next line from the NUL-terminated text at *pos, ending at a
 * newline or at the two characters backslash-n, and moves *pos past that
 * break. Returns 0 when no text is left.
 */
static int
timeline_next_line(const char **pos, struct timeline_line *line)
{
	const char *p = *pos;

	if (*p == '\0')
		return 0;
	line->s = p;
	while (*p != '\0' && *p != '\n' && !(p[0] == '\\' && p[1] == 'n'))
		p++;
	line->n = (size_t)(p - line->s);
	if (*p == '\n')
		p++;
	else if (*p == '\\')
		p += 2;
	*pos = p;
	return 1;
}

static size_t
timeline_skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Returns the length of the dash, colon or bar at s[i], or 0. */
static size_t
timeline_separator(const char *s, size_t n, size_t i)
{
	static const char *const separators[] = {
	    "-", ":", "|", "\u2013", "\u2014", /* en and em dash */
	};
	size_t k;

	for (k = 0; k < sizeof(separators) / sizeof(separators[0]); k++) {
		size_t len = strlen(separators[k]);

		if (n - i >= len && memcmp(s + i, separators[k], len) == 0)
			return len;
	}
	return 0;
}

/* Returns the length of a list bullet ("-", "*", "•") at s[i], or 0. */
static size_t
timeline_bullet(const char *s, size_t n, size_t i)
{
	if (i < n && (s[i] == '-' || s[i] == '*'))
		return 1;
	if (n - i >= 3 && memcmp(s + i, "\u2022", 3) == 0)
		return 3;
	return 0;
}

/*
 * Whether the text after a timestamp says it is a clock time, not a
 * moment of the video: "12:30 pm", "2:00 PM CET", "14:00 UTC".
 */
static int
timeline_is_clock_time(const char *s, size_t n)
{
	static const char *const words[] = {
	    "am",   "pm",  "a.m.", "p.m.", "AM",   "PM",  "A.M.",
	    "P.M.", "UTC", "GMT",  "CET",  "CEST", "BST", "EST",
	    "EDT",  "PST", "PDT",  "ET",   "PT",
	};
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		size_t len = strlen(words[k]);

		if (n >= len && memcmp(s, words[k], len) == 0 &&
		    (n == len || !((s[len] >= 'a' && s[len] <= 'z') ||
				   (s[len] >= 'A' && s[len] <= 'Z'))))
			return 1;
	}
	return 0;
}

/* Reads "(ts)", "[ts]" or "ts" at s[*i]; returns 0 when there is none. */
static int
timeline_read_time(const char *s, size_t n, size_t *i, long *start)
{
	char close = 0;
	size_t got;

	if (*i < n && (s[*i] == '(' || s[*i] == '['))
		close = s[(*i)++] == '(' ? ')' : ']';
	got = timestamp_parse(s + *i, n - *i, 0, start);
	if (got == 0)
		return 0;
	*i += got;
	if (close != 0 && (*i == n || s[(*i)++] != close))
		return 0;
	return 1;
}

/*
 * Whether line is a timeline line; if so stores its start and where its
 * text begins (the text runs to the end of the line).
 */
static int
timeline_parse_line(const struct timeline_line *line, long *start, size_t *text)
{
	const char *s = line->s;
	size_t n = line->n, i, after, sep;

	i = timeline_skip_blanks(s, n, 0);
	i = timeline_skip_blanks(s, n, i + timeline_bullet(s, n, i));
	if (!timeline_read_time(s, n, &i, start))
		return 0;

	/* A separator, a blank or both must come between time and text. */
	after = timeline_skip_blanks(s, n, i);
	sep = timeline_separator(s, n, after);
	if (after == i && sep == 0)
		return 0;
	i = timeline_skip_blanks(s, n, after + sep);
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (i == n || timeline_is_clock_time(s + i, n - i))
		return 0;
	*text = i;
	return 1;
}

/*
 * Adds the text of a timeline line at start as a moment of ep. Returns 1,
 * or 0 when the text turned out to be only (Unicode) white space, or
 * -ENOMEM.
 */
static int
timeline_add(struct episode *ep, const struct timeline_line *line, long start,
	     size_t text)
{
	char *copy;

	copy = strndup(line->s + text, line->n - text);
	if (copy == NULL)
		return -ENOMEM;
	if (*text_squeeze(copy) == '\0') {
		free(copy);
		return 0;
	}
	if (episode_add_moment(ep, MOMENT_TIMELINE, start, copy) < 0)
		return -ENOMEM;
	return 1;
}

int
timeline_extract(struct episode *ep, const char *description)
{
	const char *pos = description;
	struct timeline_line line;
	size_t len = 0, text;
	long start;
	char *rest;
	int added;

	/* Room for a newline after the last line, and the NUL. */
	rest = malloc(strlen(description) + 2);
	if (rest == NULL)
		return -ENOMEM;
	while (timeline_next_line(&pos, &line)) {
		added = 0;
		if (timeline_parse_line(&line, &start, &text))
			added = timeline_add(ep, &line, start, text);
		if (added < 0) {
			free(rest);
			return -ENOMEM;
		}
		if (added)
			continue;
		memcpy(rest + len, line.s, line.n);
		len += line.n;
		rest[len++] = '\n';
	}
	rest[len] = '\0';
	text_trim(rest);
	free(ep->description);
	ep->description = rest;
	return 0;
}
