/*
 * fuzz-query.c: a user's query, from the bytes typed to the JSON answer.
 *
 * The input is the query, optionally followed by NUL-separated filter
 * parameters: QUERY \0 show \0 tech \0 guest \0 after \0 before. Each
 * input is
 *   - parsed by query_parse (with and without a prefix last word), and
 *     every expression made of it must be valid FTS5: it runs through
 *     MATCH on an in-memory table with the index's own tokenizer, where
 *     any error is a finding (raw input must never become syntax);
 *   - searched with search_run on the index of the bundled examples, so
 *     that ranking, folding, highlighting, snippets and suggestions all
 *     see it; the only refusals allowed are -EINVAL and -E2BIG, each
 *     with a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "query.h"
#include "search.h"

#define FIELDS 6 /* the query and five filters */

static const char memory_schema[] =
	"CREATE VIRTUAL TABLE t USING fts5(text, title, tags,"
	" tokenize = 'porter unicode61 remove_diacritics 2');"
	"INSERT INTO t VALUES"
	" ('Build caching with mounts', 'Hands-on with BuildKit', 'docker'),"
	" ('Tõnis and the caché', 'Q&A: Dockerignore', 'kubernetes'),"
	" ('AND OR NOT NEAR', 'quoted \"words\"', 'wasm graphql');";

static sqlite3 *memory;

/* The in-memory FTS5 table, made at the first input. */
static sqlite3 *
memory_db(void)
{
	if (memory)
		return memory;
	if (sqlite3_open(":memory:", &memory) != SQLITE_OK ||
	    sqlite3_exec(memory, memory_schema, NULL, NULL, NULL) !=
		SQLITE_OK) {
		fprintf(stderr, "fuzz: in-memory FTS5 table: %s\n",
			sqlite3_errmsg(memory));
		exit(2);
	}
	return memory;
}

/* Runs expr through MATCH to the end; any SQLite error is a finding. */
static void
match_check(sqlite3 *db, const char *expr)
{
	sqlite3_stmt *stmt;
	int rc;

	if (expr == NULL)
		return;
	FUZZ_ASSERT(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH"
					   " ?1 ORDER BY rank",
				       -1, &stmt, NULL) == SQLITE_OK);
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		fprintf(stderr, "MATCH '%s': %s\n", expr, sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	FUZZ_ASSERT(rc == SQLITE_DONE);
}

static void
query_check(const char *input, int flags)
{
	sqlite3 *db = memory_db();
	struct query q;
	char *expr;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	rc = query_parse(db, input, flags, &q);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -E2BIG ||
		    rc == -ENOMEM);
	if (rc == -EINVAL)
		FUZZ_ASSERT(q.error[0] != '\0');
	if (rc == 0) {
		FUZZ_ASSERT(q.count <= QUERY_MAX_WORDS);
		for (i = 0; i < q.count; i++)
			match_check(db, q.phrases[i]);
		match_check(db, expr = query_join(&q, "AND"));
		free(expr);
		match_check(db, expr = query_join(&q, "OR"));
		free(expr);
	}
	query_clear(&q);
}

static void
search_check(struct search_request *req)
{
	json_t *out = NULL;
	char *why = NULL;
	int rc = search_run(fuzz_index(), req, &out, &why);

	if (rc != 0 && rc != -EINVAL && rc != -E2BIG)
		fprintf(stderr, "search_run: %d: %s\n", rc, why ? why : "");
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -E2BIG);
	if (rc == 0)
		FUZZ_ASSERT(json_is_array(json_object_get(out, "hits")));
	else
		FUZZ_ASSERT(why != NULL && out == NULL);
	json_decref(out);
	free(why);
}

/* Splits a copy of the input at its NULs into at most FIELDS strings. */
static char *
split_fields(const uint8_t *data, size_t size, const char *field[FIELDS])
{
	char *copy = malloc(size + 1), *p, *end;
	int i;

	FUZZ_ASSERT(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '\0';
	end = copy + size;
	for (i = 0, p = copy; i < FIELDS; i++) {
		field[i] = p <= end ? p : NULL;
		if (p <= end)
			p += strlen(p) + 1;
	}
	return copy;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[FIELDS];
	char *copy = split_fields(data, size, field);
	struct search_request req = {
		.query = field[0],
		.limit = 3,
		.show = field[1],
		.tech = field[2],
		.guest = field[3],
		.after = field[4],
		.before = field[5],
	};

	query_check(field[0], 0);
	query_check(field[0], QUERY_PREFIX_LAST);
	search_check(&req);
	req.prefix = 1;
	req.limit = SEARCH_MAX_LIMIT;
	req.offset = 1;
	search_check(&req);
	free(copy);
	return 0;
}
