/*
 * test-query.c: the query translator on ordinary and hostile input. Every
 * translation is also run through MATCH on a real FTS5 table, so a phrase
 * that SQLite would refuse fails the test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"

static sqlite3 *db;

static int
setup(void **state)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return sqlite3_exec(
	    db,
	    "CREATE VIRTUAL TABLE t USING fts5(text, "
	    "tokenize = 'porter unicode61 remove_diacritics 2');"
	    "INSERT INTO t VALUES('Build caching with mounts');"
	    "INSERT INTO t VALUES('Q&A: Dockerignore with "
	    "BuildKit');"
	    "INSERT INTO t VALUES('Optimizing Compiler Cache "
	    "(`--mount=type=cache`)');"
	    "INSERT INTO t VALUES('Meet Tõnis Tiigi');",
	    NULL, NULL, NULL);
}

static int
teardown(void **state)
{
	sqlite3_close(db);
	return 0;
}

/* Translates input, checks the joined phrases, and returns the matches. */
static int
matches(const char *input, const char *expected)
{
	struct query q;
	sqlite3_stmt *stmt;
	char *expr;
	int rc, n = 0;

	assert_int_equal(query_parse(db, input, 0, &q), 0);
	expr = query_join(&q, "AND");
	if (expected == NULL) {
		assert_null(expr);
		query_clear(&q);
		return 0;
	}
	assert_non_null(expr);
	assert_string_equal(expr, expected);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1,
			       &stmt, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		n++;
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(stmt);
	free(expr);
	query_clear(&q);
	return n;
}

static void
test_words_are_anded_and_stemmed(void **state)
{
	/* Both the chapter and the --mount=type=cache one. */
	assert_int_equal(matches("cache mount", "\"cache\" AND \"mount\""), 2);
	assert_int_equal(matches("Caching MOUNTS", "\"caching\" AND "
						   "\"mounts\""),
			 2);
}

static void
test_punctuation_is_text(void **state)
{
	assert_int_equal(
	    matches("Q&A: Dockerignore", "\"q a\" AND \"dockerignore\""), 1);
	assert_int_equal(matches("--mount=type=cache", "\"mount type cache\""),
			 1);
	assert_int_equal(matches("(cache)", "\"cache\""), 2);
}

static void
test_operators_are_words(void **state)
{
	/* "and" is a stopword: not required beside other words. */
	assert_int_equal(matches("cache AND mount", "\"cache\" AND \"mount\""),
			 2);
	assert_int_equal(matches("NOT cache", "\"not\" AND \"cache\""), 0);
	assert_int_equal(
	    matches("NEAR(cache mount)", "\"near cache\" AND \"mount\""), 0);
	assert_int_equal(matches("OR", "\"or\""), 0);
}

static void
test_phrases_and_prefixes(void **state)
{
	assert_int_equal(matches("\"caching with\"", "\"caching with\""), 1);
	assert_int_equal(matches("\"with caching\"", "\"with caching\""), 0);
	assert_int_equal(matches("cach* mo*", "\"cach\" * AND \"mo\" *"), 2);
	assert_int_equal(matches("\"build cach\"*", "\"build cach\" *"), 1);
}

static void
test_lone_quotes_and_junk(void **state)
{
	/* Only "Cache (`--mount" holds the two words side by side. */
	assert_int_equal(matches("\"cache mount", "\"cache mount\""), 1);
	assert_int_equal(matches("cache\"", "\"cache\""), 2);
	assert_int_equal(matches("\"\"\"", NULL), 0);
	assert_int_equal(matches("", NULL), 0);
	assert_int_equal(matches("   \t ", NULL), 0);
	assert_int_equal(matches("* & : - = ( ) ^ { } ' ~", NULL), 0);
	assert_int_equal(matches("—– …", NULL), 0);
	assert_int_equal(matches("cache ^ *", "\"cache\""), 2);
	assert_int_equal(matches("{text}: cache", "\"text\" AND \"cache\""), 0);
}

static void
test_diacritics_fold_both_ways(void **state)
{
	assert_int_equal(matches("Tonis", "\"tonis\""), 1);
	assert_int_equal(matches("TÕNIS", "\"tonis\""), 1);
	/* NFD input: o followed by a combining tilde. */
	assert_int_equal(matches("To\xcc\x83nis", "\"tonis\""), 1);
}

static void
test_stopwords(void **state)
{
	assert_int_equal(matches("how do i build a cache",
				 "\"build\" AND \"cache\""),
			 1);
	assert_int_equal(matches("caching with mounts",
				 "\"caching\" AND \"mounts\""),
			 2);
	/* Quoted, or nothing but stopwords: kept. */
	assert_int_equal(matches("\"caching with\"", "\"caching with\""), 1);
	assert_int_equal(matches("with", "\"with\""), 2);
}

/* Parses input and returns the filters as "show|tech|guest|after|before". */
static char *
filters(const char *input, int *rc)
{
	static char out[256];
	struct query q;
	const struct query_filters *f = &q.filters;

	*rc = query_parse(db, input, 0, &q);
	snprintf(out, sizeof(out), "%s|%s|%s|%s|%s|%zu",
		 f->show ? f->show : "-", f->tech ? f->tech : "-",
		 f->guest ? f->guest : "-", f->after ? f->after : "-",
		 f->before ? f->before : "-", q.count);
	query_clear(&q);
	return out;
}

static void
test_filters(void **state)
{
	int rc;

	assert_string_equal(filters("show:klustered cache", &rc),
			    "klustered|-|-|-|-|1");
	assert_string_equal(filters("Tech:Docker after:2022 before:2023-06",
				    &rc),
			    "-|Docker|-|2022-01-01|2023-06-01|0");
	assert_string_equal(filters("guest:tonis after:2021-08-25", &rc),
			    "-|-|tonis|2021-08-25|-|0");
	/* Unknown prefixes and quoted words are text. */
	assert_string_equal(filters("Q&A: dockerignore \"show:x\"", &rc),
			    "-|-|-|-|-|3");
	assert_string_equal(filters("colour:red", &rc), "-|-|-|-|-|1");
	filters("after:yesterday", &rc);
	assert_int_equal(rc, -EINVAL);
	filters("before:2023-13", &rc);
	assert_int_equal(rc, -EINVAL);
}

static void
test_prefix_last(void **state)
{
	struct query q;
	char *expr;

	assert_int_equal(query_parse(db, "cache mo", QUERY_PREFIX_LAST, &q), 0);
	expr = query_join(&q, "AND");
	assert_string_equal(expr, "\"cache\" AND \"mo\" *");
	free(expr);
	query_clear(&q);
}

static void
test_refusals(void **state)
{
	struct query q;
	char big[QUERY_MAX_BYTES + 2];
	char many[QUERY_MAX_WORDS * 3 + 8] = "";
	int i;

	assert_int_equal(query_parse(db, "caf\xe9", 0, &q), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(query_parse(db, big, 0, &q), -E2BIG);
	for (i = 0; i <= QUERY_MAX_WORDS; i++)
		strcat(many, "w ");
	assert_int_equal(query_parse(db, many, 0, &q), -E2BIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_are_anded_and_stemmed),
	    cmocka_unit_test(test_punctuation_is_text),
	    cmocka_unit_test(test_operators_are_words),
	    cmocka_unit_test(test_phrases_and_prefixes),
	    cmocka_unit_test(test_lone_quotes_and_junk),
	    cmocka_unit_test(test_diacritics_fold_both_ways),
	    cmocka_unit_test(test_stopwords),
	    cmocka_unit_test(test_filters),
	    cmocka_unit_test(test_prefix_last),
	    cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
