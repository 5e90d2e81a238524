/*
 * suggest.c: "did you mean" for a query that found nothing. Each word
 * whose stem the index has never seen is replaced by the nearest word of
 * the index's own vocabulary (the vocabulary table: the stems of titles,
 * chapters, timeline lines and tags; see store.c) by edit distance, the
 * most common first on a tie. The vocabulary holds stems
 * ("kubernet"), so the word shown is read back from a row that holds the
 * stem, as it was written there ("kubernetes"). Only suggestions that
 * find something are offered.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "tokenizer.h"

#define SUGGEST_MAX 3
#define WORD_MAX 64

/* Where a tokenizer callback writes: the stem wanted, what was found. */
struct stem_search {
	const char *want;   /* a stem to find in text, or NULL */
	char out[WORD_MAX]; /* the stem, or the surface form found */
	const char *text;
};

static int
stem_cb(void *ctx, int flags, const char *token, int n, int start, int end)
{
	struct stem_search *s = ctx;

	if (s->want == NULL) { /* stemming one word: keep its first token */
		if (s->out[0] == '\0' && n < WORD_MAX)
			memcpy(s->out, token, (size_t)n), s->out[n] = '\0';
		return SQLITE_OK;
	}
	if (s->out[0] || (size_t)n != strlen(s->want) ||
	    memcmp(token, s->want, (size_t)n) != 0 || end - start >= WORD_MAX)
		return SQLITE_OK;
	memcpy(s->out, s->text + start, (size_t)(end - start));
	s->out[end - start] = '\0';
	return SQLITE_OK;
}

static void
stem(struct tokenizer *st, const char *word, char out[WORD_MAX])
{
	struct stem_search s = {0};

	tokenizer_run(st, word, (int)strlen(word), FTS5_TOKENIZE_QUERY, &s,
		      stem_cb);
	memcpy(out, s.out, WORD_MAX);
}

/* Optimal string alignment distance, or max + 1 once it exceeds max. */
static int
edit_distance(const char *a, const char *b, int max)
{
	int n = (int)strlen(a), m = (int)strlen(b), i, j, best;
	int d[WORD_MAX + 1][WORD_MAX + 1];

	if (n > WORD_MAX || m > WORD_MAX || abs(n - m) > max)
		return max + 1;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		best = max + 1;
		for (j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1],
			    v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return d[n][m];
}

/* Whether any row of the index holds a stem. */
static int
stem_known(sqlite3 *db, const char *term)
{
	sqlite3_stmt *stmt;
	char expr[WORD_MAX + 4];
	int known = 0;

	snprintf(expr, sizeof(expr), "\"%s\"", term);
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM moment_text "
				   "WHERE moment_text MATCH ?1 LIMIT 1",
			       -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	known = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return known;
}

struct candidate {
	char stem[WORD_MAX];
	int distance;
	long long doc;
};

/* Keeps the SUGGEST_MAX nearest stems, sorted, most common first. */
static void
candidate_offer(struct candidate *best, const char *term, int distance,
		long long doc)
{
	int i, j;

	for (i = 0; i < SUGGEST_MAX; i++)
		if (best[i].stem[0] == '\0' || distance < best[i].distance ||
		    (distance == best[i].distance && doc > best[i].doc))
			break;
	if (i == SUGGEST_MAX)
		return;
	for (j = SUGGEST_MAX - 1; j > i; j--)
		best[j] = best[j - 1];
	snprintf(best[i].stem, WORD_MAX, "%s", term);
	best[i].distance = distance;
	best[i].doc = doc;
}

/* The nearest stems the index has to a stem, at most max edits away. */
static void
nearest_stems(sqlite3 *db, const char *unknown, int max, struct candidate *best)
{
	int d;
	sqlite3_stmt *stmt;
	const char *term;

	memset(best, 0, SUGGEST_MAX * sizeof(*best));
	if (sqlite3_prepare_v2(db, "SELECT term, rows FROM vocabulary"
				   " WHERE length(term) BETWEEN ?1 AND ?2",
			       -1, &stmt, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int(stmt, 1, (int)strlen(unknown) - max);
	sqlite3_bind_int(stmt, 2, (int)strlen(unknown) + max);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		term = (const char *)sqlite3_column_text(stmt, 0);
		d = term ? edit_distance(unknown, term, max) : max + 1;
		if (d <= max && d > 0)
			candidate_offer(best, term, d,
					sqlite3_column_int64(stmt, 1));
	}
	sqlite3_finalize(stmt);
}

/* A word as written in the index whose stem is stem_term. */
static int
surface_word(sqlite3 *db, struct tokenizer *st, const char *stem_term,
	     char out[WORD_MAX])
{
	struct stem_search s = {.want = stem_term};
	sqlite3_stmt *stmt;
	char expr[WORD_MAX + 4];
	size_t i;

	snprintf(expr, sizeof(expr), "\"%s\"", stem_term);
	if (sqlite3_prepare_v2(db,
			       "SELECT text || ' ' || title || ' ' || tags "
			       "FROM moment_text WHERE moment_text MATCH ?1 "
			       "LIMIT 1",
			       -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		s.text = (const char *)sqlite3_column_text(stmt, 0);
		tokenizer_run(st, s.text, sqlite3_column_bytes(stmt, 0),
			      FTS5_TOKENIZE_DOCUMENT, &s, stem_cb);
	}
	sqlite3_finalize(stmt);
	for (i = 0; s.out[i]; i++)
		s.out[i] = (char)tolower((unsigned char)s.out[i]);
	memcpy(out, s.out, WORD_MAX);
	return out[0] ? 0 : -1;
}

/* Appends " name:value" for a filter that is set. */
static char *
add_filter(char *p, const char *name, const char *value)
{
	return value ? p + sprintf(p, " %s:%s", name, value) : p;
}

/* The query with word i replaced, as a user would type it. */
static char *
rewrite(const struct query *q, size_t i, const char *word)
{
	const struct query_filters *f = &q->filters;
	const char *values[] = {f->show, f->tech, f->guest, f->after,
				f->before};
	size_t j, n = strlen(word) + 1;
	char *s, *p;

	for (j = 0; j < sizeof(values) / sizeof(values[0]); j++)
		n += values[j] ? strlen(values[j]) + 8 : 0;
	for (j = 0; j < q->count; j++)
		n += strlen(q->terms[j]) + 4;
	s = p = malloc(n);
	if (s == NULL)
		return NULL;
	for (j = 0; j < q->count; j++) {
		const char *w = j == i ? word : q->terms[j];
		int phrase = strchr(w, ' ') != NULL;

		p += sprintf(p, "%s%s%s%s%s", j ? " " : "", phrase ? "\"" : "",
			     w, phrase ? "\"" : "", q->prefix[j] ? "*" : "");
	}
	p = add_filter(p, "show", f->show);
	p = add_filter(p, "tech", f->tech);
	p = add_filter(p, "guest", f->guest);
	p = add_filter(p, "after", f->after);
	add_filter(p, "before", f->before);
	return s;
}

/* Whether the query with word i replaced by stem would find anything. */
static int
finds_something(sqlite3 *db, const struct query *q, size_t i,
		const char *stem_term)
{
	sqlite3_stmt *stmt;
	char *expr = NULL, *all;
	int found = 0;
	size_t j, n = strlen(stem_term) + 8;

	for (j = 0; j < q->count; j++)
		n += strlen(q->phrases[j]) + 6;
	all = expr = malloc(n);
	if (expr == NULL)
		return 0;
	for (j = 0; j < q->count; j++)
		all += sprintf(
		    all, "%s%s%s%s", j ? " AND " : "", j == i ? "\"" : "",
		    j == i ? stem_term : q->phrases[j], j == i ? "\"" : "");
	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM moment_text "
			       "WHERE moment_text MATCH ?1 LIMIT 1",
			       -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
		found = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_finalize(stmt);
	}
	free(expr);
	return found;
}

/* Adds the suggestions that replace word i, if it is unknown. */
static void
suggest_word(sqlite3 *db, struct tokenizer *st, const struct query *q, size_t i,
	     json_t *out)
{
	struct candidate best[SUGGEST_MAX];
	char word_stem[WORD_MAX], surface[WORD_MAX], *s;
	int k;

	if (strchr(q->terms[i], ' ') || q->prefix[i])
		return; /* phrases and prefixes are left as typed */
	stem(st, q->terms[i], word_stem);
	if (word_stem[0] == '\0' || stem_known(db, word_stem))
		return;
	nearest_stems(db, word_stem, strlen(word_stem) <= 4 ? 1 : 2, best);
	for (k = 0; k < SUGGEST_MAX && best[k].stem[0]; k++) {
		if (json_array_size(out) >= SUGGEST_MAX)
			return;
		if (!finds_something(db, q, i, best[k].stem) ||
		    surface_word(db, st, best[k].stem, surface) != 0)
			continue;
		s = rewrite(q, i, surface);
		if (s)
			json_array_append_new(out, json_string(s));
		free(s);
	}
}

int
suggest_queries(sqlite3 *db, const struct query *q, json_t **out)
{
	struct tokenizer st = {0};
	size_t i;
	int rc;

	*out = json_array();
	if (*out == NULL)
		return -ENOMEM;
	rc = tokenizer_open(db, TOKENIZER_STEMS, &st);
	if (rc != 0)
		return rc;
	for (i = 0; i < q->count && json_array_size(*out) < SUGGEST_MAX; i++)
		suggest_word(db, &st, q, i, *out);
	tokenizer_close(&st);
	return 0;
}

/* The edits a word of n bytes may have to still be the word meant. */
static int
typo_budget(size_t n)
{
	return n >= 9 ? 2 : n >= 5 ? 1 : 0;
}

char *
suggest_spellings(sqlite3 *db, const char *term, int prefix)
{
	struct candidate best[SUGGEST_MAX];
	struct tokenizer st = {0};
	char word_stem[WORD_MAX], *group = NULL, *p;
	size_t n;
	int k;

	if (strchr(term, ' ') || typo_budget(strlen(term)) == 0 ||
	    tokenizer_open(db, TOKENIZER_STEMS, &st) != 0)
		return NULL;
	stem(&st, term, word_stem);
	tokenizer_close(&st);
	if (word_stem[0] == '\0')
		return NULL;
	nearest_stems(db, word_stem, typo_budget(strlen(term)), best);
	if (best[0].stem[0] == '\0')
		return NULL;
	n = strlen(term) + 16 + SUGGEST_MAX * (WORD_MAX + 8);
	group = p = malloc(n);
	if (group == NULL)
		return NULL;
	p += sprintf(p, "(\"%s\"%s", term, prefix ? " *" : "");
	for (k = 0; k < SUGGEST_MAX && best[k].stem[0]; k++)
		p += sprintf(p, " OR \"%s\"", best[k].stem);
	strcpy(p, ")");
	return group;
}
