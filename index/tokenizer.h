/*
 * tokenizer.h: the index's own tokenizers, borrowed from SQLite's FTS5 so
 * that what the program calls a word is exactly what the index does:
 * "unicode61" (case and diacritics folded) and "porter" (the same, then
 * stemmed), both with remove_diacritics 2 as moment_text is declared.
 */
#ifndef EPSEARCH_TOKENIZER_H
#define EPSEARCH_TOKENIZER_H

#include <sqlite3.h>

enum tokenizer_kind {
	TOKENIZER_WORDS, /* unicode61 */
	TOKENIZER_STEMS, /* porter over unicode61 */
};

struct tokenizer {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

/* Called per token: its text (not NUL-terminated), and where it stands
 * in the input. Return SQLITE_OK to go on. */
typedef int (*tokenizer_cb)(void *ctx, int flags, const char *token, int n,
			    int start, int end);

/* The FTS5 API of db, or NULL when it has no FTS5. */
fts5_api *tokenizer_fts5_api(sqlite3 *db);

/* Opens one of db's tokenizers. 0, -ENOSYS without FTS5, or -ENOMEM. */
int tokenizer_open(sqlite3 *db, enum tokenizer_kind kind,
		   struct tokenizer *t);

/* Splits n bytes of text (FTS5_TOKENIZE_QUERY or _DOCUMENT). */
int tokenizer_run(struct tokenizer *t, const char *text, int n, int flags,
		  void *ctx, tokenizer_cb cb);

/* Frees the tokenizer; a zeroed or closed one is fine. */
void tokenizer_close(struct tokenizer *t);

#endif
