/*
 * tokenizer.c: FTS5's tokenizers for the program's own use; see
 * tokenizer.h.
 */
#include <errno.h>
#include <string.h>

#include "tokenizer.h"

fts5_api *
tokenizer_fts5_api(sqlite3 *db)
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

int
tokenizer_open(sqlite3 *db, enum tokenizer_kind kind, struct tokenizer *t)
{
	static const char *words_args[] = {"remove_diacritics", "2"};
	static const char *stems_args[] = {"unicode61", "remove_diacritics",
					   "2"};
	const char *name = kind == TOKENIZER_STEMS ? "porter" : "unicode61";
	const char **args = kind == TOKENIZER_STEMS ? stems_args : words_args;
	int nargs = kind == TOKENIZER_STEMS ? 3 : 2;
	fts5_api *api = tokenizer_fts5_api(db);
	void *user = NULL;

	memset(t, 0, sizeof(*t));
	if (api == NULL ||
	    api->xFindTokenizer(api, name, &user, &t->api) != SQLITE_OK)
		return -ENOSYS;
	if (t->api.xCreate(user, args, nargs, &t->tok) != SQLITE_OK) {
		t->tok = NULL;
		return -ENOMEM;
	}
	return 0;
}

int
tokenizer_run(struct tokenizer *t, const char *text, int n, int flags,
	      void *ctx, tokenizer_cb cb)
{
	return t->api.xTokenize(t->tok, ctx, flags, text, n, cb) == SQLITE_OK
		       ? 0
		       : -ENOMEM;
}

void
tokenizer_close(struct tokenizer *t)
{
	if (t->tok)
		t->api.xDelete(t->tok);
	t->tok = NULL;
}
