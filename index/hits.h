/*
 * hits.h: gathers matching moments into episodes as rows arrive in any
 * order, then ranks them: episodes by their best moment (ties to the newer
 * episode), moments inside each by score, near-duplicates folded.
 */
#ifndef EPSEARCH_HITS_H
#define EPSEARCH_HITS_H

#include <stddef.h>

#include <sqlite3.h>

struct hit_moment {
	sqlite3_int64 id; /* moments.id */
	int kind;
	long start; /* MOMENT_NO_TIME when none */
	long end;
	double score; /* lower is better, as bm25 */
};

struct hit {
	sqlite3_int64 file_id;
	char published[16];
	double best;
	struct hit_moment *moments;
	size_t count;
	size_t cap;
};

struct hits {
	struct hit *items;
	size_t count;
	size_t cap;
	size_t *slots; /* open addressing on file_id: index + 1, 0 empty */
	size_t slot_count;
};

/* Adds a moment to the episode of file_id; 0 or -ENOMEM. */
int hits_add(struct hits *h, sqlite3_int64 file_id, const char *published,
	     const struct hit_moment *m);

/*
 * Sorts episodes and moments, and drops from each episode the moments
 * that start within fold_seconds of a better one kept.
 */
void hits_rank(struct hits *h, long fold_seconds);

void hits_clear(struct hits *h);

#endif
