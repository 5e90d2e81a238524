/*
 * query.h: turns what a user typed into safe FTS5 phrases. Raw input never
 * reaches MATCH: every word becomes a quoted phrase of the tokens the
 * index's own tokenizer finds in it, and everything else is dropped, so
 * operators, colons, lone quotes and the like are text, never syntax.
 */
#ifndef EPSEARCH_QUERY_H
#define EPSEARCH_QUERY_H

#include <stddef.h>

#include <sqlite3.h>

#define QUERY_MAX_WORDS 32
#define QUERY_MAX_BYTES 1024

/*
 * A parsed query: each phrase is a complete FTS5 phrase such as
 * "cach mount" or "mo" * (quoted, with its prefix star if any).
 */
struct query {
	char **phrases;
	size_t count;
};

/*
 * Words are separate phrases; "quoted words" are one phrase; a trailing *
 * makes a word or phrase a prefix. Returns 0 and fills q (count 0 when
 * nothing is searchable), -EINVAL for input that is not UTF-8, -E2BIG for
 * more than QUERY_MAX_WORDS words or QUERY_MAX_BYTES bytes, -ENOSYS when
 * db has no FTS5, or -ENOMEM. The caller clears q.
 */
int query_parse(sqlite3 *db, const char *input, struct query *q);

/* Frees what q owns and zeroes it. */
void query_clear(struct query *q);

/*
 * Returns the phrases joined by op ("AND", "OR") in a new string the
 * caller frees, or NULL when q is empty or memory ran out.
 */
char *query_join(const struct query *q, const char *op);

#endif
