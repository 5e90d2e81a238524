/*
 * frontmatter.c: turns the YAML front matter of an episode file into a
 * struct episode. The front matter is found textually (a first line "---",
 * then the next line that is exactly "---"); only the bytes between go to
 * libyaml, which reads them once, as events. The events of the first
 * document become a flat list of nodes, nesting deeper than any episode
 * needs is refused on the way, and the nodes are then walked for the
 * fields epsearch knows. Plain scalars stay strings: this file decides what
 * "1:04:00" or "2021-08-25" means. An alias is a node that names the
 * anchored node and is never expanded, and only the known fields are
 * visited, each at a fixed depth, so an alias bomb costs no more than its
 * text. A known key given twice is an error, since which one the author
 * meant cannot be told; unknown keys are ignored.
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

/* Room for a field name such as "technologies[12]" or "chapters[3].title". */
#define FRONTMATTER_NAME_MAX 64

/* The YAML text of the front matter, and the file line it starts on. */
struct frontmatter_source {
	const char *yaml;
	size_t n;
	int first_line;
};

/* What a node of the first document is. */
enum frontmatter_node_type {
	FRONTMATTER_SCALAR,
	FRONTMATTER_SEQUENCE,
	FRONTMATTER_MAPPING,
	FRONTMATTER_ALIAS, /* stands for the node its anchor marked */
};

/*
 * One node of the first document. Nodes are stored in the order their
 * events came, so a collection's items (a mapping's keys and values
 * alternating) follow it, each item starting where the one before ends.
 */
struct frontmatter_node {
	enum frontmatter_node_type type;
	yaml_scalar_style_t style; /* scalars */
	int line;		   /* 0-based, within the YAML text */
	char *value;		   /* scalars: NUL-terminated, owned */
	size_t length;		   /* scalars: bytes in value */
	size_t next;   /* index of the node after this one's items */
	size_t target; /* aliases: index of the anchored node */
};

/* An anchor of the first document and the node it marks. */
struct frontmatter_anchor {
	char *name;
	size_t node;
};

/*
 * The first document of the front matter as nodes (nodes[0] is the root),
 * and what building it from the events needs.
 */
struct frontmatter_doc {
	struct frontmatter_node *nodes;
	size_t count, capacity;
	struct frontmatter_anchor *anchors;
	size_t anchor_count, anchor_capacity;
	size_t open[FRONTMATTER_MAX_DEPTH]; /* the collections not yet ended */
	int depth;	 /* collections open at this event, in any document */
	int documents;	 /* documents begun */
	int building;	 /* whether events still become nodes */
	int composer_rc; /* -EINVAL after a bad anchor or alias */
};

/* What the walk over the document needs at every step. */
struct frontmatter_walk {
	const struct frontmatter_doc *doc;
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
frontmatter_line(const struct frontmatter_walk *w,
		 const struct frontmatter_node *node)
{
	return w->first_line + node->line;
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

/* The start of line rel (0-based) of the YAML text, or NULL past its end. */
static const char *
frontmatter_line_start(const struct frontmatter_source *src, int rel)
{
	const char *p = src->yaml, *end = src->yaml + src->n;

	while (rel-- > 0) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			return NULL;
		p++;
	}
	return p;
}

/*
 * Copies into out (size bytes) the top-level key of the line at p, such
 * as "title" in "title: x"; returns 0 when the line has none.
 */
static int
frontmatter_top_key(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	while (p + n < end && n + 1 < size &&
	       (p[n] == '_' || p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') ||
		(p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9')))
		n++;
	if (n == 0 || p[0] == '-' || p + n == end || p[n] != ':')
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

/*
 * Names the field a YAML error at line rel (0-based) is in: the nearest
 * top-level key at or above it, as " (in title)", or "" when none is.
 */
static void
frontmatter_error_field(const struct frontmatter_source *src, int rel,
			char *out, size_t size)
{
	const char *end = src->yaml + src->n, *p;
	char key[FRONTMATTER_NAME_MAX];

	out[0] = '\0';
	for (; rel >= 0; rel--) {
		p = frontmatter_line_start(src, rel);
		if (p && frontmatter_top_key(p, end, key, sizeof(key))) {
			snprintf(out, size, " (in %s)", key);
			return;
		}
	}
}

/* Whether line rel (0-based) of the YAML text is indented with a tab. */
static int
frontmatter_tab_indent(const struct frontmatter_source *src, int rel)
{
	const char *end = src->yaml + src->n;
	const char *p = frontmatter_line_start(src, rel);

	for (; p && p < end && (*p == ' ' || *p == '\t'); p++)
		if (*p == '\t')
			return 1;
	return 0;
}

/*
 * Turns libyaml's complaint into err, naming the field it is in; returns
 * -EINVAL or -ENOMEM.
 */
static int
frontmatter_yaml_error(const yaml_parser_t *parser,
		       const struct frontmatter_source *src,
		       struct parse_error *err)
{
	const char *problem = parser->problem ? parser->problem : "error";
	const char *context = parser->context ? parser->context : "";
	int line = (int)parser->problem_mark.line;
	char field[FRONTMATTER_NAME_MAX + 8];
	size_t i;

	if (parser->error == YAML_MEMORY_ERROR)
		return frontmatter_no_memory(err);
	if (parser->error == YAML_READER_ERROR) {
		/* The reader knows a byte offset, not a line. */
		for (i = line = 0; i < parser->problem_offset && i < src->n;
		     i++)
			line += src->yaml[i] == '\n';
	}
	frontmatter_error_field(src, line, field, sizeof(field));
	if (parser->error == YAML_SCANNER_ERROR &&
	    frontmatter_tab_indent(src, line))
		return frontmatter_fail(err, line + src->first_line,
					"YAML: a tab indents this line; "
					"indent with spaces%s",
					field);
	return frontmatter_fail(err, line + src->first_line, "YAML: %s%s%s%s",
				problem, *context ? " " : "", context, field);
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

/* Frees what doc owns. */
static void
frontmatter_doc_free(struct frontmatter_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->count; i++)
		free(doc->nodes[i].value);
	free(doc->nodes);
	for (i = 0; i < doc->anchor_count; i++)
		free(doc->anchors[i].name);
	free(doc->anchors);
}

/*
 * Makes room for one more of the count elements of size bytes at *array,
 * which has room for *capacity. Returns 0 or -ENOMEM (array unchanged).
 */
static int
frontmatter_reserve(void **array, size_t *capacity, size_t count, size_t size)
{
	size_t bigger = *capacity > 0 ? 2 * *capacity : 64;
	void *grown;

	if (count < *capacity)
		return 0;
	grown = realloc(*array, bigger * size);
	if (grown == NULL)
		return -ENOMEM;
	*array = grown;
	*capacity = bigger;
	return 0;
}

/* Appends a node made from event; returns its index, or -ENOMEM. */
static long
frontmatter_add_node(struct frontmatter_doc *doc,
		     enum frontmatter_node_type type, const yaml_event_t *event)
{
	struct frontmatter_node *node;

	if (frontmatter_reserve((void **)&doc->nodes, &doc->capacity,
				doc->count, sizeof(*node)) < 0)
		return -ENOMEM;
	node = &doc->nodes[doc->count];
	memset(node, 0, sizeof(*node));
	node->type = type;
	node->line = (int)event->start_mark.line;
	node->next = doc->count + 1;
	return (long)doc->count++;
}

/*
 * Ends the building of doc with the error libyaml's loader would give:
 * the first document is not used, but the events after it are still read,
 * and a YAML error among them is told instead.
 */
static void
frontmatter_composer_fail(struct frontmatter_doc *doc, struct parse_error *err,
			  int line, const char *message)
{
	doc->composer_rc = frontmatter_fail(err, line, "YAML: %s", message);
	doc->building = 0;
}

/*
 * Records the anchor name (taken over, may be NULL) of node index. A name
 * used twice ends the building, as in libyaml's loader. Returns 0 or
 * -ENOMEM.
 */
static int
frontmatter_add_anchor(struct frontmatter_doc *doc, char *name, size_t index,
		       int first_line, struct parse_error *err)
{
	struct frontmatter_anchor *anchor;
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; i < doc->anchor_count; i++) {
		if (strcmp(doc->anchors[i].name, name) == 0) {
			free(name);
			frontmatter_composer_fail(
			    doc, err, first_line + doc->nodes[index].line,
			    "second occurrence found duplicate anchor; first "
			    "occurrence");
			return 0;
		}
	}
	if (frontmatter_reserve((void **)&doc->anchors, &doc->anchor_capacity,
				doc->anchor_count, sizeof(*anchor)) < 0) {
		free(name);
		return -ENOMEM;
	}
	anchor = &doc->anchors[doc->anchor_count++];
	anchor->name = name;
	anchor->node = index;
	return 0;
}

/* Adds the alias event as a node naming the anchored one. */
static int
frontmatter_add_alias(struct frontmatter_doc *doc, const yaml_event_t *event,
		      int first_line, struct parse_error *err)
{
	const char *name = (const char *)event->data.alias.anchor;
	long index;
	size_t i;

	for (i = 0; i < doc->anchor_count; i++) {
		if (strcmp(doc->anchors[i].name, name) == 0)
			break;
	}
	if (i == doc->anchor_count) {
		frontmatter_composer_fail(
		    doc, err, first_line + (int)event->start_mark.line,
		    "found undefined alias");
		return 0;
	}
	index = frontmatter_add_node(doc, FRONTMATTER_ALIAS, event);
	if (index < 0)
		return (int)index;
	doc->nodes[index].target = doc->anchors[i].node;
	return 0;
}

/* Adds a scalar event as a node, taking over its value and anchor. */
static int
frontmatter_add_scalar(struct frontmatter_doc *doc, yaml_event_t *event,
		       int first_line, struct parse_error *err)
{
	long index = frontmatter_add_node(doc, FRONTMATTER_SCALAR, event);
	struct frontmatter_node *node;
	char *anchor = (char *)event->data.scalar.anchor;

	if (index < 0)
		return (int)index;
	node = &doc->nodes[index];
	node->style = event->data.scalar.style;
	node->value = (char *)event->data.scalar.value;
	node->length = event->data.scalar.length;
	event->data.scalar.value = NULL;
	event->data.scalar.anchor = NULL;
	return frontmatter_add_anchor(doc, anchor, (size_t)index, first_line,
				      err);
}

/*
 * Adds the start of a collection as a node, taking over its anchor. The
 * caller has counted it in doc->depth already.
 */
static int
frontmatter_add_collection(struct frontmatter_doc *doc, yaml_event_t *event,
			   int first_line, struct parse_error *err)
{
	enum frontmatter_node_type type = FRONTMATTER_SEQUENCE;
	yaml_char_t **anchor = &event->data.sequence_start.anchor;
	char *name;
	long index;

	if (event->type == YAML_MAPPING_START_EVENT) {
		type = FRONTMATTER_MAPPING;
		anchor = &event->data.mapping_start.anchor;
	}
	index = frontmatter_add_node(doc, type, event);
	if (index < 0)
		return (int)index;
	doc->open[doc->depth - 1] = (size_t)index;
	name = (char *)*anchor;
	*anchor = NULL;
	return frontmatter_add_anchor(doc, name, (size_t)index, first_line,
				      err);
}

/*
 * Turns one event of the first document into nodes. Composer errors end
 * the building and leave err filled. Returns 0 or -ENOMEM.
 */
static int
frontmatter_add_event(struct frontmatter_doc *doc, yaml_event_t *event,
		      int first_line, struct parse_error *err)
{
	switch (event->type) {
	case YAML_SCALAR_EVENT:
		return frontmatter_add_scalar(doc, event, first_line, err);
	case YAML_ALIAS_EVENT:
		return frontmatter_add_alias(doc, event, first_line, err);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return frontmatter_add_collection(doc, event, first_line, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		/* doc->depth already counts the collection as ended. */
		doc->nodes[doc->open[doc->depth]].next = doc->count;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		doc->building = 0;
		return 0;
	default:
		return 0;
	}
}

/*
 * Counts the nesting at event, in every document of the stream. Returns 0,
 * or -EINVAL when it goes deeper than FRONTMATTER_MAX_DEPTH.
 */
static int
frontmatter_nest(struct frontmatter_doc *doc, const yaml_event_t *event,
		 int first_line, struct parse_error *err)
{
	switch (event->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++doc->depth <= FRONTMATTER_MAX_DEPTH)
			return 0;
		return frontmatter_fail(
		    err, first_line + (int)event->start_mark.line,
		    "front matter nests deeper than %d levels",
		    FRONTMATTER_MAX_DEPTH);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		doc->depth--;
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		doc->building = doc->documents++ == 0;
		return 0;
	default:
		return 0;
	}
}

/*
 * Reads every event of src, building the first document into doc (which
 * the caller frees), as libyaml's loader would. The whole stream is read
 * so that a YAML error or deep nesting anywhere is told first, then a bad
 * anchor or alias of the first document. Returns 0, -EINVAL or -ENOMEM.
 */
static int
frontmatter_build(const struct frontmatter_source *src,
		  struct frontmatter_doc *doc, struct parse_error *err)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int rc = 0, done = 0;

	if (frontmatter_parser_open(&parser, src) < 0)
		return frontmatter_no_memory(err);
	while (rc == 0 && !done) {
		if (!yaml_parser_parse(&parser, &event)) {
			rc = frontmatter_yaml_error(&parser, src, err);
			break;
		}
		rc = frontmatter_nest(doc, &event, src->first_line, err);
		if (rc == 0 && doc->building)
			rc = frontmatter_add_event(doc, &event, src->first_line,
						   err);
		if (rc == -ENOMEM)
			frontmatter_no_memory(err);
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc != 0 ? rc : doc->composer_rc;
}

/* The node at index i, or for an alias the node its anchor marked. */
static const struct frontmatter_node *
frontmatter_node_at(const struct frontmatter_walk *w, size_t i)
{
	const struct frontmatter_node *node = &w->doc->nodes[i];

	if (node->type == FRONTMATTER_ALIAS)
		return &w->doc->nodes[node->target];
	return node;
}

/* The index of the first item of a collection node. */
static size_t
frontmatter_first_item(const struct frontmatter_walk *w,
		       const struct frontmatter_node *node)
{
	return (size_t)(node - w->doc->nodes) + 1;
}

/* Whether node is an empty or null plain scalar ("", "~", "null"). */
static int
frontmatter_is_null(const struct frontmatter_node *node)
{
	const char *v = node->value;

	if (node->type != FRONTMATTER_SCALAR ||
	    node->style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

/* Names what a node is, for messages: "a list", "a mapping", ... */
static const char *
frontmatter_kind(const struct frontmatter_node *node)
{
	if (node->type == FRONTMATTER_SEQUENCE)
		return "a list";
	if (node->type == FRONTMATTER_MAPPING)
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
frontmatter_quote(const struct frontmatter_node *node, char *out, size_t size)
{
	const unsigned char *v = (const unsigned char *)node->value;
	size_t n = node->length, i, w = 0;

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
		   const struct frontmatter_node *node, int flags, char **out)
{
	const char *v = node->value;
	size_t n = node->length, bad;
	char *copy = NULL;

	if (node->type != FRONTMATTER_SCALAR)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected a string, got %s", field,
					frontmatter_kind(node));
	if (frontmatter_is_null(node))
		n = 0;
	/* Decoding works in place, on a copy: an alias may read v again. */
	if ((flags & FRONTMATTER_DECODE) && memchr(v, '&', n) != NULL) {
		copy = malloc(n + 1);
		if (copy == NULL)
			return frontmatter_no_memory(w->err);
		memcpy(copy, v, n);
		n = text_decode_entities(copy, n);
		v = copy;
	}
	*out = text_normalize(v, n, &bad);
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
		    const struct frontmatter_node *node, int allow_null,
		    long *seconds)
{
	const char *v = node->value;
	size_t n = node->length;
	char quoted[FRONTMATTER_QUOTE_MAX + 8];

	if (node->type != FRONTMATTER_SCALAR)
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

/*
 * Writes "list[index]suffix" into out, which has FRONTMATTER_NAME_MAX
 * bytes: names every item read, so snprintf() would cost more than the
 * item. list and suffix are short names of ours.
 */
static void
frontmatter_item_name(char *out, const char *list, size_t index,
		      const char *suffix)
{
	char digits[24];
	size_t d = sizeof(digits), list_len = strlen(list);

	do
		digits[--d] = (char)('0' + index % 10);
	while ((index /= 10) > 0);
	memcpy(out, list, list_len);
	out[list_len] = '[';
	memcpy(out + list_len + 1, digits + d, sizeof(digits) - d);
	out += list_len + 1 + sizeof(digits) - d;
	*out++ = ']';
	strcpy(out, suffix);
}

/* Reads a list of strings into list and count. Returns 0 or an error. */
static int
frontmatter_strings(struct frontmatter_walk *w, const char *field,
		    const struct frontmatter_node *node, char ***list,
		    size_t *count)
{
	char name[FRONTMATTER_NAME_MAX];
	size_t i, k = 0;
	char *s;
	int rc;

	if (frontmatter_is_null(node))
		return 0;
	if (node->type != FRONTMATTER_SEQUENCE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"%s: expected a list", field);
	for (i = frontmatter_first_item(w, node); i < node->next;
	     i = w->doc->nodes[i].next) {
		frontmatter_item_name(name, field, k++, "");
		rc = frontmatter_string(w, name, frontmatter_node_at(w, i),
					FRONTMATTER_SQUEEZE, &s);
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
frontmatter_read_title(struct frontmatter_walk *w,
		       const struct frontmatter_node *node)
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
frontmatter_read_slug(struct frontmatter_walk *w,
		      const struct frontmatter_node *node)
{
	return frontmatter_string(w, "slug", node, FRONTMATTER_SQUEEZE,
				  &w->ep->slug);
}

static int
frontmatter_read_description(struct frontmatter_walk *w,
			     const struct frontmatter_node *node)
{
	return frontmatter_string(w, "description", node, FRONTMATTER_DECODE,
				  &w->description);
}

static int
frontmatter_read_show(struct frontmatter_walk *w,
		      const struct frontmatter_node *node)
{
	return frontmatter_string(w, "show", node, FRONTMATTER_SQUEEZE,
				  &w->ep->show);
}

/* Keeps the date of publishedAt: "2021-08-25T17:00:00.000Z" or a date. */
static int
frontmatter_read_published(struct frontmatter_walk *w,
			   const struct frontmatter_node *node)
{
	const char *v = node->value;
	char quoted[FRONTMATTER_QUOTE_MAX + 8];

	if (node->type != FRONTMATTER_SCALAR)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"publishedAt: expected a date, got %s",
					frontmatter_kind(node));
	if (frontmatter_is_null(node))
		v = "";
	else if (!frontmatter_is_date(v, node->length)) {
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
frontmatter_read_duration(struct frontmatter_walk *w,
			  const struct frontmatter_node *node)
{
	return frontmatter_seconds(w, "duration", node, 1, &w->ep->duration);
}

static int
frontmatter_read_technologies(struct frontmatter_walk *w,
			      const struct frontmatter_node *node)
{
	return frontmatter_strings(w, "technologies", node,
				   &w->ep->technologies,
				   &w->ep->technology_count);
}

static int
frontmatter_read_guests(struct frontmatter_walk *w,
			const struct frontmatter_node *node)
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
			 const struct frontmatter_node *node,
			 const struct frontmatter_node **start,
			 const struct frontmatter_node **title)
{
	size_t i, value;

	for (i = frontmatter_first_item(w, node); i < node->next;
	     i = w->doc->nodes[value].next) {
		const struct frontmatter_node *key = frontmatter_node_at(w, i);
		const struct frontmatter_node **slot = NULL;
		const char *name;

		value = w->doc->nodes[i].next;
		if (key->type != FRONTMATTER_SCALAR)
			continue;
		name = key->value;
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
		*slot = frontmatter_node_at(w, value);
	}
	return 0;
}

/* Reads chapter number index (from 0) and adds it to the episode. */
static int
frontmatter_chapter(struct frontmatter_walk *w, size_t index,
		    const struct frontmatter_node *node)
{
	const struct frontmatter_node *start = NULL, *title = NULL;
	char field[FRONTMATTER_NAME_MAX];
	long seconds;
	char *text;
	int rc;

	if (node->type != FRONTMATTER_MAPPING)
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
	frontmatter_item_name(field, "chapters", index, ".startTime");
	rc = frontmatter_seconds(w, field, start, 0, &seconds);
	if (rc < 0)
		return rc;
	frontmatter_item_name(field, "chapters", index, ".title");
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
frontmatter_read_chapters(struct frontmatter_walk *w,
			  const struct frontmatter_node *node)
{
	size_t i, k = 0;
	int rc;

	if (frontmatter_is_null(node))
		return 0;
	if (node->type != FRONTMATTER_SEQUENCE)
		return frontmatter_fail(w->err, frontmatter_line(w, node),
					"chapters: expected a list");
	for (i = frontmatter_first_item(w, node); i < node->next;
	     i = w->doc->nodes[i].next) {
		rc = frontmatter_chapter(w, k++, frontmatter_node_at(w, i));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The keys epsearch reads; all others are ignored. */
static const struct frontmatter_field {
	const char *name;
	int (*read)(struct frontmatter_walk *w,
		    const struct frontmatter_node *value);
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
frontmatter_field_index(const struct frontmatter_node *key)
{
	size_t k;

	if (key->type != FRONTMATTER_SCALAR)
		return -1;
	for (k = 0; k < FRONTMATTER_FIELD_COUNT; k++) {
		if (strcmp(key->value, frontmatter_fields[k].name) == 0)
			return (int)k;
	}
	return -1;
}

static int
frontmatter_not_mapping(struct frontmatter_walk *w,
			const struct frontmatter_node *root)
{
	const char *what =
	    root->type == FRONTMATTER_SEQUENCE ? "a list" : "a scalar";

	return frontmatter_fail(w->err, frontmatter_line(w, root),
				"front matter is %s, expected a mapping", what);
}

/* Reads every known key of the root mapping into the episode. */
static int
frontmatter_read(struct frontmatter_walk *w,
		 const struct frontmatter_node *root)
{
	unsigned seen = 0;
	size_t i, value;
	int k, rc;

	if (root == NULL)
		return frontmatter_fail(w->err, w->first_line - 1,
					"title: missing (the front matter is "
					"empty)");
	if (root->type != FRONTMATTER_MAPPING)
		return frontmatter_not_mapping(w, root);
	for (i = frontmatter_first_item(w, root); i < root->next;
	     i = w->doc->nodes[value].next) {
		const struct frontmatter_node *key = frontmatter_node_at(w, i);

		value = w->doc->nodes[i].next;
		k = frontmatter_field_index(key);
		if (k < 0)
			continue;
		if (seen & (1u << k))
			return frontmatter_fail(
			    w->err, frontmatter_line(w, key),
			    "%s: duplicate key", frontmatter_fields[k].name);
		seen |= 1u << k;
		rc = frontmatter_fields[k].read(w,
						frontmatter_node_at(w, value));
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
	if (ep->moment_count > ep->chapter_count) /* moments may be NULL */
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
	struct frontmatter_source src = {NULL, 0, 0};
	struct frontmatter_doc doc;
	struct frontmatter_walk w;
	int rc;

	memset(ep, 0, sizeof(*ep));
	memset(err, 0, sizeof(*err));
	rc = frontmatter_locate(buf, n, &src, err);
	if (rc < 0)
		return rc;
	memset(&doc, 0, sizeof(doc));
	rc = frontmatter_build(&src, &doc, err);
	if (rc < 0) {
		frontmatter_doc_free(&doc);
		return rc;
	}

	memset(&w, 0, sizeof(w));
	w.doc = &doc;
	w.first_line = src.first_line;
	w.ep = ep;
	w.err = err;
	rc = frontmatter_read(&w, doc.count > 0 ? &doc.nodes[0] : NULL);
	frontmatter_doc_free(&doc);
	if (rc == 0)
		rc = frontmatter_finish(&w, default_slug);
	free(w.description);
	if (rc < 0)
		episode_clear(ep);
	return rc;
}
