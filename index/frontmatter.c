/*
 * frontmatter.c: turns the YAML front matter of an episode file into a
 * struct episode. The front matter is found textually (a first line "---",
 * then the next line that is exactly "---"); only the bytes between go to
 * libyaml. libyaml reads them twice: once as events, to refuse nesting
 * deeper than any episode needs before a loader builds it, then as a
 * document whose nodes are walked for the fields epsearch knows. Plain
 * scalars stay strings: this file decides what "1:04:00" or "2021-08-25"
 * means. Aliases resolve to the anchored node and are never expanded, and
 * only the known fields are visited, each at a fixed depth, so an alias
 * bomb costs no more than its text. A known key given twice is an error,
 * since which one the author meant cannot be told; unknown keys are
 * ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "frontmatter.h"
#include "text.h"
#include "timeline.h"
#include "timestamp.h"

/* Episode front matter nests three levels; anything far deeper is junk. */
#define FRONTMATTER_MAX_DEPTH 32

/* The longest duration or start time believed, in seconds. */
#define FRONTMATTER_MAX_SECONDS (7L * 24 * 60 * 60)

/* How much of a bad value an error message quotes. */
#define FRONTMATTER_QUOTE_MAX 40

/* The YAML text of the front matter, and the file line it starts on. */
struct frontmatter_source {
	const char *yaml;
	size_t n;
	int first_line;
};

/* What the walk over the document needs at every step. */
struct frontmatter_walk {
	yaml_document_t *doc;
	int first_line;
	struct episode *ep;
	struct parse_error *err;
	char *description; /* normalized, waiting for timeline_extract() */
};

/* How frontmatter_string() cleans a value. */
enum {
	FRONTMATTER_DECODE = 1, /* decode HTML character references */
	FRONTMATTER_SQUEEZE =
	    2, /* one line: white space runs become one space */
};

static int frontmatter_fail(struct parse_error *err, int line, const char *fmt,
			    ...) __attribute__((format(printf, 3, 4)));

/* Fills err and returns -EINVAL. */
static int
frontmatter_fail(struct parse_error *err, int line, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
frontmatter_no_memory(struct parse_error *err)
{
	frontmatter_fail(err, 0, "out of memory");
	return -ENOMEM;
}

/* The file line of a node. */
static int
frontmatter_line(const struct frontmatter_walk *w, const yaml_node_t *node)
{
	return w->first_line + (int)node->start_mark.line;
}

/*
 * Whether the line at p (which ends at a newline or at end) is exactly
 * "---" or "---\r". Sets *next to the start of the following line.
 */
static int
frontmatter_fence(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = (size_t)((nl != NULL ? nl : end) - p);

	*next = nl != NULL ? nl + 1 : end;
	if (len == 4 && p[3] == '\r')
		len = 3;
	return len == 3 && memcmp(p, "---", 3) == 0;
}

/* Finds the front matter in the n bytes at buf; 0 or -EINVAL. */
static int
frontmatter_locate(const char *buf, size_t n, struct frontmatter_source *src,
		   struct parse_error *err)
{
	const char *end = buf + n, *p = buf, *next;

	if (n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (!frontmatter_fence(p, end, &next))
		return frontmatter_fail(
		    err, 1, "no front matter: file does not start with ---");
	src->yaml = next;
	src->first_line = 2;
	for (p = next; p < end; p = next) {
		if (frontmatter_fence(p, end, &next)) {
			src->n = (size_t)(p - src->yaml);
			return 0;
		}
	}
	return frontmatter_fail(err, 1,
				"front matter is not closed by a --- line");
}

/* Turns libyaml's complaint into err; returns -EINVAL or -ENOMEM. */
static int
frontmatter_yaml_error(const yaml_parser_t *parser,
		       const struct frontmatter_source *src,
		       struct parse_error *err)
{
	const char *problem = parser->problem ? parser->problem : "error";
	int line = (int)parser->problem_mark.line;
	size_t i;

	if (parser->error == YAML_MEMORY_ERROR)
		return frontmatter_no_memory(err);
	if (parser->error == YAML_READER_ERROR) {
		/* The reader knows a byte offset, not a line. */
		for (i = line = 0; i < parser->problem_offset && i < src->n;
		     i++)
			line += src->yaml[i] == '\n';
	}
	line += src->first_line;
	if (parser->context != NULL)
		return frontmatter_fail(err, line, "YAML: %s %s", problem,
					parser->context);
	return frontmatter_fail(err, line, "YAML: %s", problem);
}

static int
frontmatter_parser_open(yaml_parser_t *parser,
			const struct frontmatter_source *src)
{
	if (!yaml_parser_initialize(parser))
		return -ENOMEM;
	yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(parser, (const unsigned char *)src->yaml,
				     src->n);
	return 0;
}

/* Reads the events of src: YAML errors and deep nesting end it early. */
static int
frontmatter_check(const struct frontmatter_source *src, struct parse_error *err)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0, rc = 0, done = 0;

	if (frontmatter_parser_open(&parser, src) < 0)
		return frontmatter_no_memory(err);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&parser, &event)) {
			rc = frontmatter_yaml_error(&parser, src, err);
			break;
		}
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (event.type == YAML_SEQUENCE_END_EVENT ||
			 event.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > FRONTMATTER_MAX_DEPTH)
			rc = frontmatter_fail(
			    err, src->first_line + (int)event.start_mark.line,
			    "front matter nests deeper than %d levels",
			    FRONTMATTER_MAX_DEPTH);
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Loads the first document of src into doc, which the caller deletes. */
static int
frontmatter_load(const struct frontmatter_source *src, yaml_document_t *doc,
		 struct parse_error *err)
{
	yaml_parser_t parser;
	int rc = 0;

	if (frontmatter_parser_open(&parser, src) < 0)
		return frontmatter_no_memory(err);
	if (!yaml_parser_load(&parser, doc))
		rc = frontmatter_yaml_error(&parser, src, err);
	yaml_parser_delete(&parser);
	return rc;
}

/* Whether node is an empty or null plain scalar ("", "~", "null"). */
static int
frontmatter_is_null(const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/* Names what a node is, for messages: "a list", "a mapping", ... */
static const char *
frontmatter_kind(const yaml_node_t *node)
{
	if (node->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (node->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (frontmatter_is_null(node))
		return "nothing";
	return "a scalar";
}

/*
 * Writes a short, printable quotation of a scalar into out (size bytes):
 * control characters become '?', and a cut never splits a character.
 */
static void
frontmatter_quote(const yaml_node_t *node, char *out, size_t size)
{
	const unsigned char *v = node->data.scalar.value;
	size_t n = node->data.scalar.length, i, w = 0;

	for (i = 0; i < n && w + 4 < size && i < FRONTMATTER_QUOTE_MAX; i++)
		out[w++] = v[i] < 0x20 || v[i] == 0x7f ? '?' : (char)v[i];
	while (i < n && w > 0 && (v[i] & 0xc0) == 0x80) {
		i--;
		w--;
	}
	if (i < n) {
		memcpy(out + w, "...", 3);
		w += 3;
	}
	out[w] = '\0';
}

/*
 * Sets *out to a new cleaned copy of the scalar node ("" for null). flags
 * are FRONTMATTER_DECODE and FRONTMATTER_SQUEEZE. Returns 0, -EINVAL or
 * -ENOMEM.
 */
static int
frontmatter_string(struct frontmatter_walk *w, const char *field,
		   const yaml_node_t *node, int flags, char **out)
{
	size_t n = node->data.scalar.length, bad;
	char *copy;

	if (node->type != YAML_SCALAR_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected a string, got %s", field,
					frontmatter_kind(node));
	if (frontmatter_is_null(node))
		n = 0;
	copy = malloc(n + 1);
	if (copy == NULL)
		return frontmatter_no_memory(w->err);
	memcpy(copy, node->data.scalar.value, n);
	if (flags & FRONTMATTER_DECODE)
		n = text_decode_entities(copy, n);
	*out = text_normalize(copy, n, &bad);
	free(copy);
	if (*out == NULL && bad < n)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: invalid UTF-8 at byte %zu", field,
					bad);
	if (*out == NULL)
		return frontmatter_no_memory(w->err);
	if (flags & FRONTMATTER_SQUEEZE)
		text_squeeze(*out);
	return 0;
}

/*
 * Reads a number of seconds, plain ("5436") or as a timestamp ("1:04:00").
 * A null is 0 when allow_null is set. Returns 0 or -EINVAL.
 */
static int
frontmatter_seconds(struct frontmatter_walk *w, const char *field,
		    const yaml_node_t *node, int allow_null, long *seconds)
{
	const char *v = (const char *)node->data.scalar.value;
	size_t n = node->data.scalar.length;
	char quoted[FRONTMATTER_QUOTE_MAX + 8];

	if (node->type != YAML_SCALAR_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected seconds, got %s", field,
					frontmatter_kind(node));
	*seconds = 0;
	if (allow_null && frontmatter_is_null(node))
		return 0;
	if (n == 0 || timestamp_parse(v, n, 1, seconds) != n) {
		frontmatter_quote(node, quoted, sizeof(quoted));
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected seconds, got \"%s\"",
					field, quoted);
	}
	if (*seconds > FRONTMATTER_MAX_SECONDS)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: %ld seconds is more than a week",
					field, *seconds);
	return 0;
}

/* Whether the n bytes at v start with a date YYYY-MM-DD. */
static int
frontmatter_is_date(const char *v, size_t n)
{
	static const char pattern[] = "dddd-dd-dd";
	int month, day;
	size_t i;

	if (n < 10 || (n > 10 && v[10] != 'T' && v[10] != 't' && v[10] != ' '))
		return 0;
	for (i = 0; i < 10; i++) {
		if (pattern[i] == 'd' ? v[i] < '0' || v[i] > '9'
				      : v[i] != pattern[i])
			return 0;
	}
	month = (v[5] - '0') * 10 + (v[6] - '0');
	day = (v[8] - '0') * 10 + (v[9] - '0');
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Reads a list of strings into list and count. Returns 0 or an error. */
static int
frontmatter_strings(struct frontmatter_walk *w, const char *field,
		    const yaml_node_t *node, char ***list, size_t *count)
{
	yaml_node_item_t *item;
	char name[48];
	char *s;
	int rc;

	if (frontmatter_is_null(node))
		return 0;
	if (node->type != YAML_SEQUENCE_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected a list", field);
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *value = yaml_document_get_node(w->doc, *item);

		snprintf(name, sizeof(name), "%s[%zu]", field,
			 (size_t)(item - node->data.sequence.items.start));
		rc =
		    frontmatter_string(w, name, value, FRONTMATTER_SQUEEZE, &s);
		if (rc < 0)
			return rc;
		if (*s == '\0') {
			free(s);
			continue;
		}
		if (episode_add_string(list, count, s) < 0)
			return frontmatter_no_memory(w->err);
	}
	return 0;
}

static int
frontmatter_read_title(struct frontmatter_walk *w, const yaml_node_t *node)
{
	struct episode *ep = w->ep;
	int rc;

	rc = frontmatter_string(w, "title", node,
				FRONTMATTER_DECODE | FRONTMATTER_SQUEEZE,
				&ep->title);
	if (rc == 0 && ep->title[0] == '\0')
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"title: empty");
	return rc;
}

static int
frontmatter_read_slug(struct frontmatter_walk *w, const yaml_node_t *node)
{
	return frontmatter_string(w, "slug", node, FRONTMATTER_SQUEEZE,
				  &w->ep->slug);
}

static int
frontmatter_read_description(struct frontmatter_walk *w,
			     const yaml_node_t *node)
{
	return frontmatter_string(w, "description", node, FRONTMATTER_DECODE,
				  &w->description);
}

static int
frontmatter_read_show(struct frontmatter_walk *w, const yaml_node_t *node)
{
	return frontmatter_string(w, "show", node, FRONTMATTER_SQUEEZE,
				  &w->ep->show);
}

/* Keeps the date of publishedAt: "2021-08-25T17:00:00.000Z" or a date. */
static int
frontmatter_read_published(struct frontmatter_walk *w, const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;
	char quoted[FRONTMATTER_QUOTE_MAX + 8];

	if (node->type != YAML_SCALAR_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"publishedAt: expected a date, got %s",
					frontmatter_kind(node));
	if (frontmatter_is_null(node))
		v = "";
	else if (!frontmatter_is_date(v, node->data.scalar.length)) {
		frontmatter_quote(node, quoted, sizeof(quoted));
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"publishedAt: expected a date like "
					"2021-08-25, got \"%s\"",
					quoted);
	}
	w->ep->published = strndup(v, 10);
	if (w->ep->published == NULL)
		return frontmatter_no_memory(w->err);
	return 0;
}

static int
frontmatter_read_duration(struct frontmatter_walk *w, const yaml_node_t *node)
{
	return frontmatter_seconds(w, "duration", node, 1, &w->ep->duration);
}

static int
frontmatter_read_technologies(struct frontmatter_walk *w,
			      const yaml_node_t *node)
{
	return frontmatter_strings(w, "technologies", node,
				   &w->ep->technologies,
				   &w->ep->technology_count);
}

static int
frontmatter_read_guests(struct frontmatter_walk *w, const yaml_node_t *node)
{
	return frontmatter_strings(w, "guests", node, &w->ep->guests,
				   &w->ep->guest_count);
}

/*
 * Finds the startTime and title of a chapter mapping. A key given twice is
 * an error; other keys are ignored.
 */
static int
frontmatter_chapter_keys(struct frontmatter_walk *w, size_t index,
			 const yaml_node_t *node, yaml_node_t **start,
			 yaml_node_t **title)
{
	yaml_node_pair_t *pair;

	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t **slot = NULL;
		const char *name;

		if (key->type != YAML_SCALAR_NODE)
			continue;
		name = (const char *)key->data.scalar.value;
		if (strcmp(name, "startTime") == 0)
			slot = start;
		else if (strcmp(name, "title") == 0)
			slot = title;
		if (slot == NULL)
			continue;
		if (*slot != NULL)
			return frontmatter_fail(
			    w->err, frontmatter_line(w, key),
			    "chapters[%zu].%s: duplicate key", index, name);
		*slot = yaml_document_get_node(w->doc, pair->value);
	}
	return 0;
}

/* Reads chapter number index (from 0) and adds it to the episode. */
static int
frontmatter_chapter(struct frontmatter_walk *w, size_t index,
		    const yaml_node_t *node)
{
	yaml_node_t *start = NULL, *title = NULL;
	char field[48];
	long seconds;
	char *text;
	int rc;

	if (node->type != YAML_MAPPING_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"chapters[%zu]: expected a mapping, "
					"got %s",
					index, frontmatter_kind(node));
	rc = frontmatter_chapter_keys(w, index, node, &start, &title);
	if (rc < 0)
		return rc;
	if (start == NULL || title == NULL)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"chapters[%zu].%s: missing", index,
					start == NULL ? "startTime" : "title");
	snprintf(field, sizeof(field), "chapters[%zu].startTime", index);
	rc = frontmatter_seconds(w, field, start, 0, &seconds);
	if (rc < 0)
		return rc;
	snprintf(field, sizeof(field), "chapters[%zu].title", index);
	rc = frontmatter_string(
	    w, field, title, FRONTMATTER_DECODE | FRONTMATTER_SQUEEZE, &text);
	if (rc < 0)
		return rc;
	if (*text == '\0') {
		free(text);
		return frontmatter_fail(w->err, frontmatter_line(w, title),
					"%s: empty", field);
	}
	if (episode_add_moment(w->ep, MOMENT_CHAPTER, seconds, text) < 0)
		return frontmatter_no_memory(w->err);
	return 0;
}

static int
frontmatter_read_chapters(struct frontmatter_walk *w, const yaml_node_t *node)
{
	yaml_node_item_t *item;
	int rc;

	if (frontmatter_is_null(node))
		return 0;
	if (node->type != YAML_SEQUENCE_NODE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"chapters: expected a list");
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		rc = frontmatter_chapter(
		    w, (size_t)(item - node->data.sequence.items.start),
		    yaml_document_get_node(w->doc, *item));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The keys epsearch reads; all others are ignored. */
static const struct frontmatter_field {
	const char *name;
	int (*read)(struct frontmatter_walk *w, const yaml_node_t *value);
} frontmatter_fields[] = {
    {"title", frontmatter_read_title},
    {"slug", frontmatter_read_slug},
    {"description", frontmatter_read_description},
    {"show", frontmatter_read_show},
    {"publishedAt", frontmatter_read_published},
    {"duration", frontmatter_read_duration},
    {"technologies", frontmatter_read_technologies},
    {"guests", frontmatter_read_guests},
    {"chapters", frontmatter_read_chapters},
};

#define FRONTMATTER_FIELD_COUNT                                                \
	(sizeof(frontmatter_fields) / sizeof(frontmatter_fields[0]))

/* Returns the index of the field a key names, or -1. */
static int
frontmatter_field_index(const yaml_node_t *key)
{
	size_t k;

	if (key->type != YAML_SCALAR_NODE)
		return -1;
	for (k = 0; k < FRONTMATTER_FIELD_COUNT; k++) {
		if (strcmp((const char *)key->data.scalar.value,
			   frontmatter_fields[k].name) == 0)
			return (int)k;
	}
	return -1;
}

static int
frontmatter_not_mapping(struct frontmatter_walk *w, const yaml_node_t *root)
{
	const char *what =
	    root->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";

	return frontmatter_fail(w->err, frontmatter_line(w, root),
				"front matter is %s, expected a mapping", what);
}

/* Reads every known key of the root mapping into the episode. */
static int
frontmatter_read(struct frontmatter_walk *w, const yaml_node_t *root)
{
	unsigned seen = 0;
	yaml_node_pair_t *pair;
	int k, rc;

	if (root == NULL)
		return frontmatter_fail(w->err, w->first_line - 1,
					"title: missing (the front matter is "
					"empty)");
	if (root->type != YAML_MAPPING_NODE)
		return frontmatter_not_mapping(w, root);
	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(w->doc, pair->key);

		k = frontmatter_field_index(key);
		if (k < 0)
			continue;
		if (seen & (1u << k))
			return frontmatter_fail(
			    w->err, frontmatter_line(w, key),
			    "%s: duplicate key", frontmatter_fields[k].name);
		seen |= 1u << k;
		rc = frontmatter_fields[k].read(
		    w, yaml_document_get_node(w->doc, pair->value));
		if (rc < 0)
			return rc;
	}
	if (w->ep->title == NULL)
		return frontmatter_fail(w->err, frontmatter_line(w, root),
					"title: missing");
	return 0;
}

/* Orders by start; the file's order, parked in end, breaks ties. */
static int
frontmatter_moment_cmp(const void *a, const void *b)
{
	const struct moment *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/*
 * Sorts n moments by start, keeping the file's order among equal starts,
 * then gives each the end of its part: the next later start, or for the
 * last ones the duration (MOMENT_NO_TIME when that is unknown or earlier).
 */
static void
frontmatter_order_moments(struct moment *m, size_t n, long duration)
{
	long next = MOMENT_NO_TIME;
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		m[i].end = (long)i;
	qsort(m, n, sizeof(*m), frontmatter_moment_cmp);
	for (i = n; i-- > 0;) {
		if (i + 1 < n && m[i + 1].start > m[i].start)
			next = m[i + 1].start;
		if (next != MOMENT_NO_TIME)
			m[i].end = next;
		else
			m[i].end =
			    duration > m[i].start ? duration : MOMENT_NO_TIME;
	}
}

/*
 * Drops the timeline moments that start where a chapter starts: the same
 * moment written twice. Both lists are sorted by start.
 */
static void
frontmatter_drop_repeats(struct episode *ep)
{
	struct moment *m = ep->moments;
	size_t c = 0, i, w = ep->chapter_count;

	for (i = ep->chapter_count; i < ep->moment_count; i++) {
		while (c < ep->chapter_count && m[c].start < m[i].start)
			c++;
		if (c < ep->chapter_count && m[c].start == m[i].start) {
			free(m[i].text);
			continue;
		}
		m[w++] = m[i];
	}
	ep->moment_count = w;
}

/* Fills the fields the file left out and sets up the moments. */
static int
frontmatter_finish(struct frontmatter_walk *w, const char *default_slug)
{
	struct episode *ep = w->ep;

	if (ep->slug == NULL || ep->slug[0] == '\0') {
		free(ep->slug);
		ep->slug = strdup(default_slug != NULL ? default_slug : "");
	}
	if (ep->show == NULL)
		ep->show = strdup("");
	if (ep->published == NULL)
		ep->published = strdup("");
	if (ep->slug == NULL || ep->show == NULL || ep->published == NULL)
		return frontmatter_no_memory(w->err);

	frontmatter_order_moments(ep->moments, ep->chapter_count, ep->duration);
	if (timeline_extract(ep, w->description ? w->description : "") < 0)
		return frontmatter_no_memory(w->err);
	frontmatter_order_moments(ep->moments + ep->chapter_count,
				  ep->moment_count - ep->chapter_count,
				  ep->duration);
	frontmatter_drop_repeats(ep);
	return 0;
}

int
frontmatter_parse(const char *buf, size_t n, const char *default_slug,
		  struct episode *ep, struct parse_error *err)
{
	struct frontmatter_source src;
	struct frontmatter_walk w;
	yaml_document_t doc;
	int rc;

	memset(ep, 0, sizeof(*ep));
	memset(err, 0, sizeof(*err));
	rc = frontmatter_locate(buf, n, &src, err);
	if (rc == 0)
		rc = frontmatter_check(&src, err);
	if (rc == 0)
		rc = frontmatter_load(&src, &doc, err);
	if (rc < 0)
		return rc;

	memset(&w, 0, sizeof(w));
	w.doc = &doc;
	w.first_line = src.first_line;
	w.ep = ep;
	w.err = err;
	rc = frontmatter_read(&w, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	if (rc == 0)
		rc = frontmatter_finish(&w, default_slug);
	free(w.description);
	if (rc < 0)
		episode_clear(ep);
	return rc;
}
