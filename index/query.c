/*
 * query.c: the user's words to FTS5 phrases. The index's tokenizer
 * (unicode61, found through the fts5_api of the connection) decides what a
 * token is, so a word that holds no token is dropped instead of becoming
 * an empty phrase, and no character the user types can act as syntax.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "text.h"
#include "tokenizer.h"

/* A phrase under construction: its tokens, space-separated. */
struct phrase_buf {
	char *text;
	size_t len;
	size_t cap;
	int tokens;
};

static int
phrase_append(struct phrase_buf *pb, const char *s, size_t n)
{
	char *grown;

	if (pb->len + n + 2 > pb->cap) {
		pb->cap = (pb->len + n + 2) * 2;
		grown = realloc(pb->text, pb->cap);
		if (grown == NULL)
			return SQLITE_NOMEM;
		pb->text = grown;
	}
	if (pb->tokens++)
		pb->text[pb->len++] = ' ';
	memcpy(pb->text + pb->len, s, n);
	pb->len += n;
	pb->text[pb->len] = '\0';
	return SQLITE_OK;
}

/* Tokenizer callback: keeps each token; tokens never hold a quote. */
static int
phrase_token(void *ctx, int flags, const char *token, int n, int start, int end)
{
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	return phrase_append(ctx, token, (size_t)n);
}

/*
 * Words that say little about what is wanted: an unquoted one is not
 * required when the query has other words ("how do i publish a kubectl
 * plugin" looks for "publish kubectl plugin"). Sorted, for bsearch.
 */
static const char *const stopwords[] = {
    "a",     "about", "an",  "and",  "are", "as",   "at",   "be",
    "by",    "can",   "do",  "does", "for", "from", "how",  "i",
    "in",    "is",    "it",  "my",   "of",  "on",   "or",   "that",
    "the",   "this",  "to",  "was",  "we",  "what", "when", "where",
    "which", "who",   "why", "with", "you", "your",
};

static int
compare_word(const void *key, const void *item)
{
	return strcmp(key, *(const char *const *)item);
}

static int
is_stopword(const char *token)
{
	return bsearch(token, stopwords, sizeof(stopwords) / sizeof(*stopwords),
		       sizeof(*stopwords), compare_word) != NULL;
}

/* Grows the three parallel arrays of q by one slot; 0 or -ENOMEM. */
static int
query_grow(struct query *q)
{
	char **phrases, **terms;
	int *prefix;

	phrases = realloc(q->phrases, (q->count + 1) * sizeof(*phrases));
	if (phrases)
		q->phrases = phrases;
	terms = realloc(q->terms, (q->count + 1) * sizeof(*terms));
	if (terms)
		q->terms = terms;
	prefix = realloc(q->prefix, (q->count + 1) * sizeof(*prefix));
	if (prefix)
		q->prefix = prefix;
	return phrases && terms && prefix ? 0 : -ENOMEM;
}

/* Adds the phrase made of the tokens in s[0..n) to q, if it has any. */
static int
query_add(struct query *q, struct tokenizer *t, const char *s, size_t n,
	  int prefix, int drop_stopwords)
{
	struct phrase_buf pb = {0};
	char *phrase = NULL;
	int rc;

	rc = tokenizer_run(t, s, (int)n, FTS5_TOKENIZE_QUERY, &pb,
			   phrase_token);
	if (rc != 0 || pb.tokens == 0 ||
	    (drop_stopwords && !prefix && pb.tokens == 1 &&
	     is_stopword(pb.text))) {
		free(pb.text);
		return rc;
	}
	if (q->count == QUERY_MAX_WORDS) {
		free(pb.text);
		return -E2BIG;
	}
	if (query_grow(q) != 0 ||
	    asprintf(&phrase, "\"%s\"%s", pb.text, prefix ? " *" : "") < 0) {
		free(pb.text);
		return -ENOMEM;
	}
	q->phrases[q->count] = phrase;
	q->terms[q->count] = pb.text;
	q->prefix[q->count++] = prefix;
	return 0;
}

/* Reads YYYY, YYYY-MM or YYYY-MM-DD into out as YYYY-MM-DD; 0 or -1. */
static int
query_date(const char *s, char out[24])
{
	int y, m = 1, d = 1, n = 0;

	if (sscanf(s, "%4d%n", &y, &n) != 1 || n != 4)
		return -1;
	if (s[4] == '-' && (sscanf(s + 5, "%2d%n", &m, &n) != 1 || n != 2))
		return -1;
	if (s[4] == '-' && s[7] == '-' &&
	    (sscanf(s + 8, "%2d%n", &d, &n) != 1 || n != 2 || s[10]))
		return -1;
	if (s[4] && s[4] != '-')
		return -1;
	if (s[4] == '-' && s[7] && s[7] != '-')
		return -1;
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, 24, "%04d-%02d-%02d", y, m, d);
	return 0;
}

static int
query_set_date(struct query *q, char **slot, const char *name,
	       const char *value)
{
	char date[24];

	if (query_date(value, date) != 0) {
		snprintf(q->error, sizeof(q->error),
			 "%s: expected YYYY, YYYY-MM or YYYY-MM-DD, got "
			 "\"%.60s\"",
			 name, value);
		return -EINVAL;
	}
	free(*slot);
	*slot = strdup(date);
	return *slot ? 0 : -ENOMEM;
}

int
query_set_filter(struct query *q, const char *name, const char *value)
{
	struct query_filters *f = &q->filters;
	char **slot;

	if (strcmp(name, "after") == 0)
		return query_set_date(q, &f->after, name, value);
	if (strcmp(name, "before") == 0)
		return query_set_date(q, &f->before, name, value);
	if (strcmp(name, "show") == 0)
		slot = &f->show;
	else if (strcmp(name, "tech") == 0)
		slot = &f->tech;
	else if (strcmp(name, "guest") == 0)
		slot = &f->guest;
	else
		return -ENOENT;
	free(*slot);
	*slot = strdup(value);
	return *slot ? 0 : -ENOMEM;
}

static char *
dup_or_null(const char *s, int *failed)
{
	char *d = s ? strdup(s) : NULL;

	if (s && d == NULL)
		*failed = 1;
	return d;
}

int
query_copy(const struct query *src, struct query *dst)
{
	const struct query_filters *f = &src->filters;
	int failed = 0;
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->count && !failed; i++) {
		if (query_grow(dst) != 0)
			break;
		dst->phrases[i] = dup_or_null(src->phrases[i], &failed);
		dst->terms[i] = dup_or_null(src->terms[i], &failed);
		dst->prefix[i] = src->prefix[i];
		dst->count++;
	}
	dst->filters.show = dup_or_null(f->show, &failed);
	dst->filters.tech = dup_or_null(f->tech, &failed);
	dst->filters.guest = dup_or_null(f->guest, &failed);
	dst->filters.after = dup_or_null(f->after, &failed);
	dst->filters.before = dup_or_null(f->before, &failed);
	if (failed || dst->count != src->count) {
		query_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

void
query_replace(struct query *q, size_t i, char *expr)
{
	free(q->phrases[i]);
	q->phrases[i] = expr;
}

int
query_has_filters(const struct query *q)
{
	const struct query_filters *f = &q->filters;

	return f->show || f->tech || f->guest || f->after || f->before;
}

/*
 * A word "name:value" whose name is a filter sets it; returns 1 when it
 * did, 0 when the word is plain text, or a negative code.
 */
static int
query_filter_word(struct query *q, const char *word, size_t n)
{
	const char *colon = memchr(word, ':', n);
	char name[8], *value;
	size_t len;
	int rc;

	if (colon == NULL || colon == word || colon + 1 == word + n)
		return 0;
	len = (size_t)(colon - word);
	if (len >= sizeof(name))
		return 0;
	memcpy(name, word, len);
	name[len] = '\0';
	for (len = 0; name[len]; len++)
		name[len] = (char)tolower((unsigned char)name[len]);
	value = strndup(colon + 1, (size_t)(word + n - colon - 1));
	if (value == NULL)
		return -ENOMEM;
	rc = query_set_filter(q, name, value);
	free(value);
	return rc == -ENOENT ? 0 : rc == 0 ? 1 : rc;
}

/* Finds the next word or quoted phrase at *p; returns 0 at the end. */
static int
next_word(const char **p, const char **start, size_t *n, int *prefix,
	  int *quoted)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '\0')
		return 0;
	*quoted = *s == '"';
	if (*quoted) {
		s++;
		e = strchr(s, '"');
		if (e == NULL) /* a lone quote: the rest is one phrase */
			e = s + strlen(s);
		*p = *e ? e + 1 : e;
	} else {
		e = s + strcspn(s, " \t\n\"");
		*p = e;
	}
	*start = s;
	*n = (size_t)(e - s);
	*prefix = **p == '*' || (e > s && e[-1] == '*');
	if (**p == '*')
		(*p)++;
	return 1;
}

/* Turns phrase i into a prefix phrase ("cache mo" finds mounts). */
static int
query_make_prefix(struct query *q, size_t i)
{
	char *phrase;

	if (asprintf(&phrase, "\"%s\" *", q->terms[i]) < 0)
		return -ENOMEM;
	free(q->phrases[i]);
	q->phrases[i] = phrase;
	q->prefix[i] = 1;
	return 0;
}

static void query_clear_keeping_error(struct query *q);

/* Refuses input that is too long or not UTF-8; returns its NFC copy. */
static int
query_normalize(const char *input, struct query *q, char **text)
{
	size_t n = strlen(input);

	if (n > QUERY_MAX_BYTES)
		return -E2BIG;
	*text = text_normalize(input, n, NULL);
	if (*text)
		return 0;
	if (text_utf8_valid_prefix(input, n) == n)
		return -ENOMEM;
	snprintf(q->error, sizeof(q->error), "q: not valid UTF-8");
	return -EINVAL;
}

/* Reads the words and filters of text into q. */
static int
query_read(struct query *q, struct tokenizer *t, const char *text,
	   int drop_stopwords)
{
	const char *p, *word;
	size_t n;
	int prefix, quoted, rc = 0;

	for (p = text; rc == 0 && next_word(&p, &word, &n, &prefix, &quoted);) {
		if (!quoted)
			rc = query_filter_word(q, word, n);
		if (rc == 0)
			rc = query_add(q, t, word, n, prefix,
				       drop_stopwords && !quoted);
		else if (rc == 1)
			rc = 0;
	}
	return rc;
}

int
query_parse(sqlite3 *db, const char *input, int flags, struct query *q)
{
	struct tokenizer t = {0};
	char *text;
	int rc;

	memset(q, 0, sizeof(*q));
	rc = query_normalize(input, q, &text);
	if (rc != 0)
		return rc;
	rc = tokenizer_open(db, TOKENIZER_WORDS, &t);
	if (rc == 0)
		rc = query_read(q, &t, text, 1);
	if (rc == 0 && q->count == 0) { /* stopwords only: keep them all */
		query_clear_keeping_error(q);
		rc = query_read(q, &t, text, 0);
	}
	if (rc == 0 && (flags & QUERY_PREFIX_LAST) && q->count &&
	    !q->prefix[q->count - 1])
		rc = query_make_prefix(q, q->count - 1);
	tokenizer_close(&t);
	free(text);
	if (rc != 0)
		query_clear_keeping_error(q);
	return rc;
}

/* Frees everything in q but its error text. */
static void
query_clear_keeping_error(struct query *q)
{
	struct query_filters *f = &q->filters;
	size_t i;

	for (i = 0; i < q->count; i++) {
		free(q->phrases[i]);
		free(q->terms[i]);
	}
	free(q->phrases);
	free(q->terms);
	free(q->prefix);
	free(f->show);
	free(f->tech);
	free(f->guest);
	free(f->after);
	free(f->before);
	q->phrases = q->terms = NULL;
	q->prefix = NULL;
	q->count = 0;
	memset(f, 0, sizeof(*f));
}

void
query_clear(struct query *q)
{
	query_clear_keeping_error(q);
	q->error[0] = '\0';
}

char *
query_join(const struct query *q, const char *op)
{
	size_t i, n = 1;
	char *s;

	if (q->count == 0)
		return NULL;
	for (i = 0; i < q->count; i++)
		n += strlen(q->phrases[i]) + strlen(op) + 2;
	s = malloc(n);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < q->count; i++) {
		if (i)
			strcat(strcat(strcat(s, " "), op), " ");
		strcat(s, q->phrases[i]);
	}
	return s;
}
