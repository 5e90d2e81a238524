/*
 * render.c: the human form of search and status answers. Texts come from
 * Markdown files, so they are cleaned before they reach a terminal: Markdown
 * backticks go, control characters and line breaks become single spaces.
 * Widths are counted in terminal columns with utf8proc, not in bytes.
 * Nothing here decides what a search means; the daemon ranks and groups.
 */
#include "render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define RENDER_MAX_MOMENTS 5
#define RENDER_MIN_TEXT 10 /* columns a moment's text keeps at any width */
#define RENDER_STAMP_MAX 32
#define RENDER_NO_STAMP "\u00b7" /* stands in the stamp column */
#define RENDER_ELLIPSIS "\u2026"
#define RENDER_SEPARATOR " \u00b7 "

static void
render_set_error(char **error, const char *message)
{
	if (error != NULL)
		*error = strdup(message);
}

/* Returns object's string member key, or "" when it is absent or no string. */
static const char *
render_string(const json_t *object, const char *key)
{
	const char *value = json_string_value(json_object_get(object, key));

	return value != NULL ? value : "";
}

/*
 * Matched words travel through cleaning and fitting between two marker
 * bytes, and become bold (or nothing) only when printed.
 */
#define MARK_ON '\x01'
#define MARK_OFF '\x02'
#define BOLD_ON "\033[1m"
#define BOLD_OFF "\033[22m"

static int
render_is_mark(utf8proc_int32_t c)
{
	return c == MARK_ON || c == MARK_OFF;
}

static int
render_is_blank(utf8proc_int32_t c)
{
	utf8proc_category_t category = utf8proc_category(c);

	return category == UTF8PROC_CATEGORY_CC ||
	       category == UTF8PROC_CATEGORY_ZS ||
	       category == UTF8PROC_CATEGORY_ZL ||
	       category == UTF8PROC_CATEGORY_ZP;
}

/*
 * Returns s fit for one terminal line, or NULL when out of memory; the
 * caller frees it. Backticks are dropped, blanks and control characters
 * squeezed into single spaces, the ends trimmed; bytes that are not UTF-8
 * are skipped. The result is never longer than s.
 */
static char *
render_clean(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t length = 0;
	int pending_space = 0;
	utf8proc_int32_t c;
	utf8proc_ssize_t step;

	if (out == NULL)
		return NULL;
	for (; *s != '\0'; s += step) {
		step = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
		if (step <= 0) {
			step = 1;
			continue;
		}
		if (c == '`')
			continue;
		if (render_is_blank(c) && !render_is_mark(c)) {
			pending_space = length > 0;
			continue;
		}
		if (pending_space)
			out[length++] = ' ';
		pending_space = 0;
		memcpy(out + length, s, (size_t)step);
		length += (size_t)step;
	}
	out[length] = '\0';
	return out;
}

/* Returns the columns a character takes; treats unknown ones as one. */
static int
render_char_width(const char *s, utf8proc_ssize_t *step)
{
	utf8proc_int32_t c;

	*step = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
	if (*step <= 0) {
		*step = 1;
		return 1;
	}
	return render_is_mark(c) ? 0 : utf8proc_charwidth(c);
}

/* Returns the columns s takes on a terminal. */
static int
render_width(const char *s)
{
	utf8proc_ssize_t step;
	int width = 0;

	for (; *s != '\0'; s += step)
		width += render_char_width(s, &step);
	return width;
}

/* Writes n bytes of s, its marks as bold when bold is set. */
static void
render_write(FILE *out, const char *s, size_t n, int bold)
{
	int open = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == MARK_ON || s[i] == MARK_OFF) {
			if (bold && open != (s[i] == MARK_ON))
				fputs(s[i] == MARK_ON ? BOLD_ON : BOLD_OFF,
				      out);
			open = s[i] == MARK_ON;
			continue;
		}
		fputc(s[i], out);
	}
	if (bold && open)
		fputs(BOLD_OFF, out);
}

/* Prints s cut to at most columns columns, ending in "…" when cut. */
static void
render_fitted(FILE *out, const char *s, int columns, int bold)
{
	const char *end = s;
	utf8proc_ssize_t step;
	int used = 0;

	if (render_width(s) <= columns) {
		render_write(out, s, strlen(s), bold);
		return;
	}

	/* Keep one column for the ellipsis, and no space before it. */
	while (*end != '\0') {
		int w = render_char_width(end, &step);

		if (used + w > columns - 1)
			break;
		used += w;
		end += step;
	}
	while (end > s && end[-1] == ' ')
		end--;
	render_write(out, s, (size_t)(end - s), bold);
	fputs(RENDER_ELLIPSIS, out);
}

/* What an HTML character reference at s stands for; 0 if none known. */
static char
render_entity(const char *s, size_t *length)
{
	static const struct {
		const char *name;
		char c;
	} known[] = {{"&amp;", '&'},
		     {"&lt;", '<'},
		     {"&gt;", '>'},
		     {"&quot;", '"'},
		     {"&#39;", '\''}};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		*length = strlen(known[i].name);
		if (strncmp(s, known[i].name, *length) == 0)
			return known[i].c;
	}
	return 0;
}

/*
 * The daemon's highlight (HTML, matched words in <mark>) as plain text
 * with marker bytes; NULL when out of memory. The caller frees it.
 */
static char *
render_unmark(const char *html)
{
	char *out = malloc(strlen(html) + 1), *p = out;
	size_t n;
	char c;

	if (out == NULL)
		return NULL;
	while (*html) {
		if (strncmp(html, "<mark>", 6) == 0) {
			*p++ = MARK_ON;
			html += 6;
		} else if (strncmp(html, "</mark>", 7) == 0) {
			*p++ = MARK_OFF;
			html += 7;
		} else if (*html == '&' && (c = render_entity(html, &n))) {
			*p++ = c;
			html += n;
		} else {
			*p++ = *html++;
		}
	}
	*p = '\0';
	return out;
}

/* The moment's words: its highlight when the daemon sent one. */
static char *
render_moment_text(const json_t *moment)
{
	const char *html =
	    json_string_value(json_object_get(moment, "highlight"));
	char *marked, *clean;

	if (html == NULL)
		return render_clean(render_string(moment, "text"));
	marked = render_unmark(html);
	clean = marked ? render_clean(marked) : NULL;
	free(marked);
	return clean;
}

/* Writes seconds as M:SS under an hour and H:MM:SS from an hour. */
static void
render_seconds(json_int_t seconds, char stamp[RENDER_STAMP_MAX])
{
	json_int_t hours = seconds / 3600;
	int minutes = (int)(seconds / 60 % 60);
	int secs = (int)(seconds % 60);

	if (hours > 0)
		snprintf(stamp, RENDER_STAMP_MAX,
			 "%" JSON_INTEGER_FORMAT ":%02d:%02d", hours, minutes,
			 secs);
	else
		snprintf(stamp, RENDER_STAMP_MAX, "%d:%02d", minutes, secs);
}

/* Returns whether the daemon's timestamp text can be printed as it is. */
static int
render_stamp_usable(const char *text)
{
	size_t length = strlen(text);

	if (length == 0 || length >= RENDER_STAMP_MAX)
		return 0;
	for (; *text != '\0'; text++)
		if (*text < '!' || *text > '~')
			return 0;
	return 1;
}

/*
 * Fills stamp with what goes in a moment's timestamp column: the daemon's
 * "timestamp", else "start" formatted here, else the placeholder, which an
 * episode-kind moment always gets.
 */
static void
render_stamp(const json_t *moment, char stamp[RENDER_STAMP_MAX])
{
	const char *text = render_string(moment, "timestamp");
	const json_t *start = json_object_get(moment, "start");

	if (strcmp(render_string(moment, "kind"), "episode") == 0)
		snprintf(stamp, RENDER_STAMP_MAX, "%s", RENDER_NO_STAMP);
	else if (render_stamp_usable(text))
		snprintf(stamp, RENDER_STAMP_MAX, "%s", text);
	else if (json_is_integer(start) && json_integer_value(start) >= 0)
		render_seconds(json_integer_value(start), stamp);
	else
		snprintf(stamp, RENDER_STAMP_MAX, "%s", RENDER_NO_STAMP);
}

/* Prints "title · show · date", leaving out empty parts; 0 or -ENOMEM. */
static int
render_episode_line(FILE *out, const json_t *hit)
{
	const char *parts[] = {
	    render_string(hit, "title"),
	    render_string(hit, "show"),
	    render_string(hit, "published"),
	};
	int printed = 0;
	size_t i;

	if (parts[0][0] == '\0')
		parts[0] = render_string(hit, "slug");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *part = render_clean(parts[i]);

		if (part == NULL)
			return -ENOMEM;
		if (part[0] != '\0') {
			fputs(printed ? RENDER_SEPARATOR : "", out);
			fputs(part, out);
			printed = 1;
		}
		free(part);
	}
	fputc('\n', out);
	return 0;
}

/* Prints one moment line with its stamp right-aligned; 0 or -ENOMEM. */
static int
render_moment(FILE *out, const json_t *moment, const char *stamp,
	      int stamp_width, const struct render_style *style)
{
	char *text = render_moment_text(moment);
	int columns = style->width - 4 - stamp_width;

	if (text == NULL)
		return -ENOMEM;
	if (columns < RENDER_MIN_TEXT)
		columns = RENDER_MIN_TEXT;
	fprintf(out, "  %*s%s  ", stamp_width - render_width(stamp), "", stamp);
	render_fitted(out, text, columns, style->bold);
	fputc('\n', out);
	free(text);
	return 0;
}

/* Prints one hit: episode line, up to five moments, the count of the rest. */
static int
render_hit(FILE *out, const json_t *hit, const struct render_style *style)
{
	const json_t *moments = json_object_get(hit, "moments");
	char stamps[RENDER_MAX_MOMENTS][RENDER_STAMP_MAX];
	size_t count = json_array_size(moments);
	size_t shown = count < RENDER_MAX_MOMENTS ? count : RENDER_MAX_MOMENTS;
	int stamp_width = 0;
	size_t i;

	if (!json_is_object(hit))
		return -EPROTO;
	if (render_episode_line(out, hit) < 0)
		return -ENOMEM;
	for (i = 0; i < shown; i++) {
		int w;

		render_stamp(json_array_get(moments, i), stamps[i]);
		w = render_width(stamps[i]);
		stamp_width = w > stamp_width ? w : stamp_width;
	}
	for (i = 0; i < shown; i++)
		if (render_moment(out, json_array_get(moments, i), stamps[i],
				  stamp_width, style) < 0)
			return -ENOMEM;
	if (count > shown)
		fprintf(out, "  " RENDER_ELLIPSIS " and %zu more moment%s\n",
			count - shown, count - shown == 1 ? "" : "s");
	return 0;
}

int
render_hit_count(const json_t *answer)
{
	const json_t *hits = json_object_get(answer, "hits");

	return json_is_array(hits) ? (int)json_array_size(hits) : -EPROTO;
}

static void render_suggestions(FILE *out, const json_t *suggestions);

int
render_search(FILE *out, const json_t *answer, const struct render_style *style,
	      char **error)
{
	const json_t *hits = json_object_get(answer, "hits");
	const json_t *total = json_object_get(answer, "total");
	const char *relaxed = render_string(answer, "relaxed");
	const json_t *hit;
	size_t i;
	int rc;

	if (!json_is_array(hits)) {
		render_set_error(error, "the answer has no \"hits\" list");
		return -EPROTO;
	}
	render_suggestions(out, json_object_get(answer, "suggestions"));
	if (*relaxed && json_array_size(hits))
		fprintf(out,
			"No episode has all the words; matching on %s.\n\n",
			relaxed);
	json_array_foreach(hits, i, hit)
	{
		if (i > 0)
			fputc('\n', out);
		rc = render_hit(out, hit, style);
		if (rc < 0) {
			render_set_error(error, rc == -EPROTO
						    ? "a hit is not an object"
						    : strerror(-rc));
			return rc;
		}
	}

	/* Say so when the limit, not the index, ended the list. */
	if (i > 0 && json_is_integer(total) &&
	    json_integer_value(total) > (json_int_t)i)
		fprintf(out,
			"\n%zu of %" JSON_INTEGER_FORMAT
			" episodes; --limit to see more\n",
			i, json_integer_value(total));
	return (int)i;
}

/* Prints "label  value" with the values of all status lines aligned. */
static void
render_status_line(FILE *out, const char *label, const char *value)
{
	fprintf(out, "%-10s%s\n", label, value);
}

/* Prints each error as "path:line: message", or "path: message". */
static int
render_status_errors(FILE *out, const json_t *errors)
{
	const json_t *entry;
	size_t i;

	json_array_foreach(errors, i, entry)
	{
		char *path = render_clean(render_string(entry, "path"));
		char *message = render_clean(render_string(entry, "message"));
		json_int_t line =
		    json_integer_value(json_object_get(entry, "line"));

		if (path == NULL || message == NULL) {
			free(path);
			free(message);
			return -ENOMEM;
		}
		if (line > 0)
			fprintf(out, "%s:%" JSON_INTEGER_FORMAT ": %s\n", path,
				line, message);
		else
			fprintf(out, "%s: %s\n", path, message);
		free(path);
		free(message);
	}
	return 0;
}

int
render_status(FILE *out, const json_t *answer, char **error)
{
	static const char *const counts[] = {"episodes", "chapters", "files"};
	const json_t *indexing = json_object_get(answer, "indexing");
	const json_t *errors = json_object_get(answer, "errors");
	char value[32];
	size_t i;

	if (!json_is_object(answer)) {
		render_set_error(error, "the status answer is not an object");
		return -EPROTO;
	}
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		const json_t *count = json_object_get(answer, counts[i]);
		char label[16];

		if (!json_is_integer(count))
			continue;
		snprintf(label, sizeof(label), "%s:", counts[i]);
		snprintf(value, sizeof(value), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(count));
		render_status_line(out, label, value);
	}
	if (json_is_boolean(indexing))
		render_status_line(
		    out, "indexing:", json_is_true(indexing) ? "yes" : "no");
	if (!json_is_array(errors))
		return 0;
	snprintf(value, sizeof(value), "%zu", json_array_size(errors));
	render_status_line(out,
			   "errors:", json_array_size(errors) ? value : "none");
	if (render_status_errors(out, errors) < 0) {
		render_set_error(error, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

void
render_no_hits(FILE *out, const json_t *answer, const char *query)
{
	fprintf(out, "No episodes match \"%s\".\n", query);
	render_suggestions(out, json_object_get(answer, "suggestions"));
}

static void
render_suggestions(FILE *out, const json_t *suggestions)
{
	const json_t *s;
	size_t i;

	if (json_array_size(suggestions) == 0)
		return;
	fputs("Did you mean", out);
	json_array_foreach(suggestions, i, s)
	    fprintf(out, "%s \"%s\"", i ? " or" : "",
		    json_string_value(s) ? json_string_value(s) : "");
	fputs("?\n", out);
}
