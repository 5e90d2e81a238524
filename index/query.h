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
 * Filters narrow a search to some episodes. Dates are YYYY-MM-DD: after
 * keeps episodes published on or after it, before those published before
 * it. NULL where not given.
 */
struct query_filters {
	char *show;
	char *tech;
	char *guest;
	char *after;
	char *before;
};

/*
 * A parsed query: each phrase is a complete FTS5 phrase such as
 * "cach mount" or "mo" * (quoted, with its prefix star if any); terms[i]
 * holds the same tokens bare ("cach mount"), prefix[i] whether it is a
 * prefix.
 */
struct query {
	char **phrases;
	char **terms;
	int *prefix;
	size_t count;
	struct query_filters filters;
	char error[160]; /* why the input was refused (-EINVAL) */
};

/* Flags of query_parse. */
#define QUERY_PREFIX_LAST 1 /* the last word is a prefix (as-you-type) */

/*
 * Words are separate phrases; "quoted words" are one phrase; a trailing *
 * makes a word or phrase a prefix. show:NAME, tech:NAME, guest:NAME,
 * after:DATE and before:DATE (DATE is YYYY, YYYY-MM or YYYY-MM-DD) are
 * filters; any other word: prefix is plain text. Returns 0 and fills q
 * (count 0 when no words are searchable), -EINVAL with q->error set for
 * input that is not UTF-8 or a bad date, -E2BIG for more than
 * QUERY_MAX_WORDS words or QUERY_MAX_BYTES bytes, -ENOSYS when db has no
 * FTS5, or -ENOMEM. The caller clears q.
 */
int query_parse(sqlite3 *db, const char *input, int flags, struct query *q);

/*
 * Sets one filter by name ("show", "tech", "guest", "after", "before")
 * from value, as the word name:value would. Returns 0, -ENOENT for an
 * unknown name, -EINVAL with q->error set for a bad date, or -ENOMEM.
 */
int query_set_filter(struct query *q, const char *name, const char *value);

/* Copies src into dst (cleared by the caller); 0 or -ENOMEM. */
int query_copy(const struct query *src, struct query *dst);

/*
 * Replaces phrase i by expr, a complete FTS5 expression the caller built
 * from safe phrases (a prefix, or an OR of spellings); takes ownership.
 */
void query_replace(struct query *q, size_t i, char *expr);

/* Whether any filter is set. */
int query_has_filters(const struct query *q);

/* Frees what q owns and zeroes it. */
void query_clear(struct query *q);

/*
 * Returns the phrases joined by op ("AND", "OR") in a new string the
 * caller frees, or NULL when q is empty or memory ran out.
 */
char *query_join(const struct query *q, const char *op);

#endif
