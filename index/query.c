/*
 * query.c: the user's words to FTS5 phrases. The index's tokenizer
 * (unicode61, found through the fts5_api of the connection) decides what a
 * token is, so a word that holds no token is dropped instead of becoming
 * an empty phrase, and no character the user types can act as syntax.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "text.h"

/* A phrase under construction: its tokens, space-separated. */
struct phrase_buf {
	char *text;
	size_t len;
	size_t cap;
	int tokens;
};

static fts5_api *
query_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return api;
}

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
phrase_token(void *ctx, int flags, const char *token, int n, int start,
	     int end)
{
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	return phrase_append(ctx, token, (size_t)n);
}

/* The tokenizer of one parse, created once for all its words. */
struct tokenizer {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

static int
tokenizer_open(sqlite3 *db, struct tokenizer *t)
{
	static const char *args[] = {"remove_diacritics", "2"};
	fts5_api *api = query_fts5_api(db);
	void *user = NULL;

	if (api == NULL ||
	    api->xFindTokenizer(api, "unicode61", &user, &t->api) != SQLITE_OK)
		return -ENOSYS;
	if (t->api.xCreate(user, args, 2, &t->tok) != SQLITE_OK)
		return -ENOMEM;
	return 0;
}

/* Adds the phrase made of the tokens in s[0..n) to q, if it has any. */
static int
query_add(struct query *q, struct tokenizer *t, const char *s, size_t n,
	  int prefix)
{
	struct phrase_buf pb = {0};
	char **grown, *phrase;
	int rc;

	rc = t->api.xTokenize(t->tok, &pb, FTS5_TOKENIZE_QUERY, s, (int)n,
			      phrase_token);
	if (rc != SQLITE_OK || pb.tokens == 0) {
		free(pb.text);
		return rc == SQLITE_OK ? 0 : -ENOMEM;
	}
	if (q->count == QUERY_MAX_WORDS) {
		free(pb.text);
		return -E2BIG;
	}
	grown = realloc(q->phrases, (q->count + 1) * sizeof(*grown));
	phrase = malloc(pb.len + 5);
	if (grown)
		q->phrases = grown;
	if (grown && phrase) {
		strcpy(phrase, "\"");
		strcat(strcat(phrase, pb.text), prefix ? "\" *" : "\"");
		q->phrases[q->count++] = phrase;
	} else {
		free(phrase);
	}
	free(pb.text);
	return grown && phrase ? 0 : -ENOMEM;
}

/* Finds the next word or quoted phrase at *p; returns 0 at the end. */
static int
next_word(const char **p, const char **start, size_t *n, int *prefix)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '\0')
		return 0;
	if (*s == '"') {
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

int
query_parse(sqlite3 *db, const char *input, struct query *q)
{
	struct tokenizer t = {0};
	const char *p, *word;
	char *text;
	size_t n;
	int prefix, rc;

	memset(q, 0, sizeof(*q));
	if (strlen(input) > QUERY_MAX_BYTES)
		return -E2BIG;
	text = text_normalize(input, strlen(input), NULL);
	if (text == NULL)
		return text_utf8_valid_prefix(input, strlen(input)) <
				       strlen(input)
			       ? -EINVAL
			       : -ENOMEM;
	rc = tokenizer_open(db, &t);
	for (p = text; rc == 0 && next_word(&p, &word, &n, &prefix);)
		rc = query_add(q, &t, word, n, prefix);
	if (t.tok)
		t.api.xDelete(t.tok);
	free(text);
	if (rc != 0)
		query_clear(q);
	return rc;
}

void
query_clear(struct query *q)
{
	size_t i;

	for (i = 0; i < q->count; i++)
		free(q->phrases[i]);
	free(q->phrases);
	q->phrases = NULL;
	q->count = 0;
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
