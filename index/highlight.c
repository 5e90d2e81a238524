/*
 * highlight.c: marks matched words; see highlight.h. A document token
 * matches when its stem equals one of the query's stems, or begins with
 * one that the query made a prefix. Marks of tokens joined by a short
 * run of punctuation ("Q&A") merge into one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "highlight.h"
#include "markup.h"
#include "text.h"

#define ELLIPSIS "…"

/* A matched run of the text. */
struct span {
	int start;
	int end;
};

struct spans {
	struct highlighter *h;
	struct span *items;
	size_t count;
	size_t cap;
};

static int
learn_stem(void *ctx, int flags, const char *token, int n, int start,
	   int end)
{
	struct highlighter *h = ctx;
	char **stems;
	int *prefix;

	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	stems = realloc(h->stems_wanted, (h->count + 1) * sizeof(*stems));
	if (stems)
		h->stems_wanted = stems;
	prefix = realloc(h->prefix, (h->count + 1) * sizeof(*prefix));
	if (prefix)
		h->prefix = prefix;
	if (!stems || !prefix)
		return SQLITE_NOMEM;
	h->stems_wanted[h->count] = strndup(token, (size_t)n);
	h->prefix[h->count] = 0;
	return h->stems_wanted[h->count++] ? SQLITE_OK : SQLITE_NOMEM;
}

int
highlighter_open(struct highlighter *h, sqlite3 *db, const struct query *q)
{
	size_t i, before;
	int rc;

	memset(h, 0, sizeof(*h));
	rc = tokenizer_open(db, TOKENIZER_STEMS, &h->stems);
	for (i = 0; rc == 0 && i < q->count; i++) {
		before = h->count;
		rc = tokenizer_run(&h->stems, q->terms[i],
				   (int)strlen(q->terms[i]),
				   FTS5_TOKENIZE_QUERY, h, learn_stem);
		if (rc == 0 && q->prefix[i] && h->count > before)
			h->prefix[h->count - 1] = 1;
	}
	return rc;
}

static int
stem_wanted(const struct highlighter *h, const char *token, size_t n)
{
	size_t i, m;

	for (i = 0; i < h->count; i++) {
		m = strlen(h->stems_wanted[i]);
		if (h->prefix[i] ? m <= n && memcmp(token, h->stems_wanted[i],
						    m) == 0
				 : m == n && memcmp(token, h->stems_wanted[i],
						    m) == 0)
			return 1;
	}
	return 0;
}

static int
find_span(void *ctx, int flags, const char *token, int n, int start, int end)
{
	struct spans *s = ctx;
	struct span *grown;

	if ((flags & FTS5_TOKEN_COLOCATED) ||
	    !stem_wanted(s->h, token, (size_t)n))
		return SQLITE_OK;
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		grown = realloc(s->items, s->cap * sizeof(*grown));
		if (grown == NULL)
			return SQLITE_NOMEM;
		s->items = grown;
	}
	s->items[s->count].start = start;
	s->items[s->count++].end = end;
	return SQLITE_OK;
}

/* Whether the bytes between two marks are short punctuation ("&"). */
static int
joins(const char *text, int from, int to)
{
	int i;

	if (to - from > 2)
		return 0;
	for (i = from; i < to; i++)
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')
			return 0;
	return 1;
}

/* Copies text[from, to) into out with its spans marked; returns the end. */
static char *
mark_range(const char *text, int from, int to, const struct spans *s,
	   char *out)
{
	int at = from, open_end = -1;
	size_t i;

	for (i = 0; i < s->count; i++) {
		const struct span *sp = &s->items[i];

		if (sp->end <= from || sp->start >= to || sp->end > to)
			continue;
		if (open_end >= 0 && joins(text, open_end, sp->start)) {
			out--; /* the mark stays open across "&" */
		} else {
			memcpy(out, text + at, (size_t)(sp->start - at));
			out += sp->start - at;
			at = sp->start;
			*out++ = MARK_OPEN[0];
		}
		memcpy(out, text + at, (size_t)(sp->end - at));
		out += sp->end - at;
		*out++ = MARK_CLOSE[0];
		at = open_end = sp->end;
	}
	memcpy(out, text + at, (size_t)(to - at));
	out += to - at;
	*out = '\0';
	return out;
}

static int
spans_of(struct highlighter *h, const char *text, struct spans *s)
{
	memset(s, 0, sizeof(*s));
	s->h = h;
	return tokenizer_run(&h->stems, text, (int)strlen(text),
			     FTS5_TOKENIZE_DOCUMENT, s, find_span);
}

char *
highlighter_mark(struct highlighter *h, const char *text)
{
	struct spans s;
	char *out;

	if (spans_of(h, text, &s) != 0) {
		free(s.items);
		return NULL;
	}
	out = malloc(strlen(text) + 2 * s.count + 1);
	if (out)
		mark_range(text, 0, (int)strlen(text), &s, out);
	free(s.items);
	return out;
}

/* Moves i back (or forward) to the start of a word, never mid-character. */
static int
word_start(const char *text, int i, int n)
{
	int j;

	for (j = i; j > 0 && i - j < 40; j--)
		if (text[j - 1] == ' ' || text[j - 1] == '\n')
			return j;
	while (i < n && ((unsigned char)text[i] & 0xC0) == 0x80)
		i++;
	return i;
}

static int
word_end(const char *text, int i, int from)
{
	int j;

	for (j = i; j > from && i - j < 40; j--)
		if (text[j] == ' ' || text[j] == '\n')
			return j;
	while (i > from && ((unsigned char)text[i] & 0xC0) == 0x80)
		i--;
	return i;
}

char *
highlighter_snippet(struct highlighter *h, const char *text,
		    size_t max_bytes)
{
	int n = (int)strlen(text), from = 0, to;
	struct spans s;
	char *out, *p;

	if (spans_of(h, text, &s) != 0) {
		free(s.items);
		return NULL;
	}
	if (s.count && s.items[0].start > (int)max_bytes / 3)
		from = word_start(text, s.items[0].start - (int)max_bytes / 3,
				  n);
	to = from + (int)max_bytes >= n ? n
					: word_end(text, from + (int)max_bytes,
						   from);
	out = malloc((size_t)(to - from) + 2 * s.count + 2 * sizeof(ELLIPSIS));
	if (out) {
		p = out;
		if (from > 0)
			p = stpcpy(p, ELLIPSIS);
		p = mark_range(text, from, to, &s, p);
		if (to < n)
			strcpy(p, ELLIPSIS);
		text_squeeze(out);
	}
	free(s.items);
	return out;
}

void
highlighter_close(struct highlighter *h)
{
	size_t i;

	for (i = 0; i < h->count; i++)
		free(h->stems_wanted[i]);
	free(h->stems_wanted);
	free(h->prefix);
	tokenizer_close(&h->stems);
	memset(h, 0, sizeof(*h));
}
