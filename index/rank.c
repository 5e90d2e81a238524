/*
 * rank.c: the epsearch_fit auxiliary function; see rank.h. It reads the
 * phrase instances FTS5 already found for the row, so it costs a walk of
 * a few offsets, never a second look at the text.
 */
#include <errno.h>
#include <stdlib.h>

#include "rank.h"
#include "tokenizer.h"

/* The text column of moment_text; see store.c. */
#define RANK_TEXT_COLUMN 0
#define RANK_MAX_PHRASES 64

/* Whether phrases first..last stand one after another from offset. */
static int
rank_run_from(const Fts5ExtensionApi *api, Fts5Context *ctx, int phrase,
	      int offset, int phrases)
{
	int i, n, p, col, off;

	if (phrase == phrases)
		return 1;
	if (api->xInstCount(ctx, &n) != SQLITE_OK)
		return 0;
	for (i = 0; i < n; i++) {
		if (api->xInst(ctx, i, &p, &col, &off) != SQLITE_OK)
			return 0;
		if (p == phrase && col == RANK_TEXT_COLUMN && off == offset)
			return rank_run_from(
			    api, ctx, phrase + 1,
			    offset + api->xPhraseSize(ctx, phrase), phrases);
	}
	return 0;
}

/* Marks which phrases occur in the text column; returns whether phrase 0
 * starts an in-order run of all of them there. */
static int
rank_scan(const Fts5ExtensionApi *api, Fts5Context *ctx, int phrases,
	  char *seen)
{
	int i, n, p, col, off, run = 0;

	if (api->xInstCount(ctx, &n) != SQLITE_OK)
		return 0;
	for (i = 0; i < n; i++) {
		if (api->xInst(ctx, i, &p, &col, &off) != SQLITE_OK)
			return 0;
		if (col != RANK_TEXT_COLUMN || p >= RANK_MAX_PHRASES)
			continue;
		seen[p] = 1;
		if (p == 0 && !run && phrases > 1)
			run = rank_run_from(api, ctx, 1,
					    off + api->xPhraseSize(ctx, 0),
					    phrases);
	}
	return run;
}

static void
rank_fit(const Fts5ExtensionApi *api, Fts5Context *ctx, sqlite3_context *result,
	 int argc, sqlite3_value **argv)
{
	char seen[RANK_MAX_PHRASES] = {0};
	int phrases = api->xPhraseCount(ctx), found = 0, i, run;

	/* The expression may repeat the query's phrases (search.c does):
	 * the first argument says how many are the query's own. */
	if (argc > 0 && sqlite3_value_int(argv[0]) < phrases)
		phrases = sqlite3_value_int(argv[0]);
	if (phrases <= 0) {
		sqlite3_result_double(result, 0);
		return;
	}
	if (phrases > RANK_MAX_PHRASES)
		phrases = RANK_MAX_PHRASES;
	run = rank_scan(api, ctx, phrases, seen);
	for (i = 0; i < phrases; i++)
		found += seen[i];
	sqlite3_result_double(result, (double)found / phrases + run);
}

int
rank_register(sqlite3 *db)
{
	fts5_api *api = tokenizer_fts5_api(db);

	if (api == NULL)
		return -ENOSYS;
	if (api->xCreateFunction(api, "epsearch_fit", NULL, rank_fit, NULL) !=
	    SQLITE_OK)
		return -ENOMEM;
	return 0;
}
