/*
 * vocabulary.h: the stems a batch adds to the index, counted in memory
 * and written to the vocabulary table when the batch commits. The table
 * is what "did you mean" and typo tolerance search; reading FTS5's own
 * vocabulary (fts5vocab) would walk every doclist of the index instead.
 *
 * Only short texts feed it (titles, chapters, timeline lines, tags), and
 * it only grows: a stem that left the index stays, harmless, since every
 * suggestion is checked against the index before it is offered.
 */
#ifndef EPSEARCH_VOCABULARY_H
#define EPSEARCH_VOCABULARY_H

#include <stddef.h>

#include <sqlite3.h>

#include "tokenizer.h"

struct vocabulary {
	struct tokenizer stems;
	char **terms; /* open addressing: NULL is empty */
	long *rows;
	size_t used;
	size_t cap; /* a power of two */
};

/* Readies v on the writer connection db. 0 or a negative code. */
int vocabulary_open(struct vocabulary *v, sqlite3 *db);

/* Counts the stems of text once each. 0 or -ENOMEM. */
int vocabulary_add(struct vocabulary *v, const char *text);

/* Writes the counted stems with stmt (?1 term, ?2 rows), then forgets
 * them. 0 or a negative code. */
int vocabulary_flush(struct vocabulary *v, sqlite3_stmt *stmt);

/* Forgets the counted stems (the batch rolled back). */
void vocabulary_forget(struct vocabulary *v);

void vocabulary_close(struct vocabulary *v);

#endif
