/*
 * query.h: turns what a user typed into a safe FTS5 expression. Raw input
 * never reaches MATCH: every word becomes a quoted phrase of the tokens
 * the index's own tokenizer finds in it; all else is dropped.
 */
#ifndef EPSEARCH_QUERY_H
#define EPSEARCH_QUERY_H

#include <sqlite3.h>

/*
 * Words are ANDed; "quoted words" are one phrase; a trailing * makes the
 * word a prefix. Sets *expr to a new string the caller frees, or to NULL
 * when the input holds nothing searchable. Returns 0, or -ENOMEM, or
 * -ENOSYS when db has no FTS5.
 */
int query_translate(sqlite3 *db, const char *input, char **expr);

#endif
