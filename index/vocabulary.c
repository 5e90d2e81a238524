/*
 * vocabulary.c: counts a batch's stems; see vocabulary.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vocabulary.h"

#define VOCABULARY_MAX_TERM 64

static size_t
term_hash(const char *s, size_t n)
{
	size_t h = 5381, i;

	for (i = 0; i < n; i++)
		h = h * 33 + (unsigned char)s[i];
	return h;
}

static int
vocabulary_grow(struct vocabulary *v)
{
	size_t cap = v->cap ? v->cap * 2 : 1024, i, j;
	char **terms = calloc(cap, sizeof(*terms));
	long *rows = calloc(cap, sizeof(*rows));

	if (terms == NULL || rows == NULL) {
		free(terms);
		free(rows);
		return -ENOMEM;
	}
	for (i = 0; i < v->cap; i++) {
		if (v->terms[i] == NULL)
			continue;
		j = term_hash(v->terms[i], strlen(v->terms[i])) & (cap - 1);
		while (terms[j])
			j = (j + 1) & (cap - 1);
		terms[j] = v->terms[i];
		rows[j] = v->rows[i];
	}
	free(v->terms);
	free(v->rows);
	v->terms = terms;
	v->rows = rows;
	v->cap = cap;
	return 0;
}

/* Counts one token (not NUL-terminated). */
static int
vocabulary_count(struct vocabulary *v, const char *token, size_t n)
{
	size_t j;

	if (n == 0 || n > VOCABULARY_MAX_TERM)
		return 0;
	if ((v->used + 1) * 2 > v->cap && vocabulary_grow(v) != 0)
		return -ENOMEM;
	j = term_hash(token, n) & (v->cap - 1);
	for (; v->terms[j]; j = (j + 1) & (v->cap - 1)) {
		if (strncmp(v->terms[j], token, n) == 0 &&
		    v->terms[j][n] == '\0') {
			v->rows[j]++;
			return 0;
		}
	}
	v->terms[j] = strndup(token, n);
	if (v->terms[j] == NULL)
		return -ENOMEM;
	v->rows[j] = 1;
	v->used++;
	return 0;
}

static int
vocabulary_token(void *ctx, int flags, const char *token, int n, int start,
		 int end)
{
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	return vocabulary_count(ctx, token, (size_t)n) == 0 ? SQLITE_OK
							    : SQLITE_NOMEM;
}

int
vocabulary_open(struct vocabulary *v, sqlite3 *db)
{
	memset(v, 0, sizeof(*v));
	return tokenizer_open(db, TOKENIZER_STEMS, &v->stems);
}

int
vocabulary_add(struct vocabulary *v, const char *text)
{
	return tokenizer_run(&v->stems, text, (int)strlen(text),
			     FTS5_TOKENIZE_DOCUMENT, v, vocabulary_token);
}

void
vocabulary_forget(struct vocabulary *v)
{
	size_t i;

	for (i = 0; i < v->cap; i++) {
		free(v->terms[i]);
		v->terms[i] = NULL;
	}
	v->used = 0;
}

int
vocabulary_flush(struct vocabulary *v, sqlite3_stmt *stmt)
{
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < v->cap && rc == SQLITE_DONE; i++) {
		if (v->terms[i] == NULL)
			continue;
		sqlite3_bind_text(stmt, 1, v->terms[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, v->rows[i]);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	vocabulary_forget(v);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

void
vocabulary_close(struct vocabulary *v)
{
	vocabulary_forget(v);
	free(v->terms);
	free(v->rows);
	tokenizer_close(&v->stems);
	memset(v, 0, sizeof(*v));
}
