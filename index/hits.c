/*
 * hits.c: matching moments grouped by episode; see hits.h. The map from
 * file id to episode is open addressing over a power-of-two table kept at
 * most half full, so grouping stays linear in the rows a search reads.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "episode.h"
#include "hits.h"

static int
hits_grow_slots(struct hits *h)
{
	size_t i, j, n = h->slot_count ? h->slot_count * 2 : 64;
	size_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	for (i = 0; i < h->count; i++) {
		j = (size_t)h->items[i].file_id & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(h->slots);
	h->slots = slots;
	h->slot_count = n;
	return 0;
}

/* Finds or adds the episode of file_id; NULL when memory ran out. */
static struct hit *
hits_find(struct hits *h, sqlite3_int64 file_id)
{
	struct hit *grown;
	size_t j;

	if ((h->count + 1) * 2 > h->slot_count && hits_grow_slots(h) != 0)
		return NULL;
	j = (size_t)file_id & (h->slot_count - 1);
	for (; h->slots[j]; j = (j + 1) & (h->slot_count - 1))
		if (h->items[h->slots[j] - 1].file_id == file_id)
			return &h->items[h->slots[j] - 1];

	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		grown = realloc(h->items, h->cap * sizeof(*grown));
		if (grown == NULL)
			return NULL;
		h->items = grown;
	}
	h->slots[j] = h->count + 1;
	grown = &h->items[h->count++];
	memset(grown, 0, sizeof(*grown));
	grown->file_id = file_id;
	grown->best = INFINITY;
	return grown;
}

int
hits_add(struct hits *h, sqlite3_int64 file_id, const char *published,
	 const struct hit_moment *m)
{
	struct hit *hit = hits_find(h, file_id);
	struct hit_moment *grown;

	if (hit == NULL)
		return -ENOMEM;
	if (hit->count == 0 && published)
		snprintf(hit->published, sizeof(hit->published), "%s",
			 published);
	if (hit->count == hit->cap) {
		hit->cap = hit->cap ? hit->cap * 2 : 8;
		grown = realloc(hit->moments, hit->cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		hit->moments = grown;
	}
	hit->moments[hit->count++] = *m;
	if (m->score < hit->best)
		hit->best = m->score;
	return 0;
}

static int
compare_moments(const void *a, const void *b)
{
	const struct hit_moment *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Best episode first; on a tie the newer one, then the lower id. */
static int
compare_hits(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c;

	if (x->best != y->best)
		return x->best < y->best ? -1 : 1;
	c = strcmp(y->published, x->published);
	if (c != 0)
		return c;
	return x->file_id < y->file_id ? -1 : x->file_id > y->file_id;
}

/* Keeps the first of moments that start within fold seconds of it. */
static void
hit_fold(struct hit *hit, long fold)
{
	size_t i, j, kept = 0;
	int near;

	for (i = 0; i < hit->count; i++) {
		const struct hit_moment *m = &hit->moments[i];

		near = 0;
		for (j = 0; m->start != MOMENT_NO_TIME && j < kept && !near;
		     j++)
			near = hit->moments[j].start != MOMENT_NO_TIME &&
			       labs(hit->moments[j].start - m->start) <= fold;
		if (!near)
			hit->moments[kept++] = *m;
	}
	hit->count = kept;
}

void
hits_rank(struct hits *h, long fold_seconds)
{
	size_t i;

	if (h->count == 0)
		return;
	for (i = 0; i < h->count; i++) {
		qsort(h->items[i].moments, h->items[i].count,
		      sizeof(struct hit_moment), compare_moments);
		hit_fold(&h->items[i], fold_seconds);
	}
	qsort(h->items, h->count, sizeof(struct hit), compare_hits);
}

void
hits_clear(struct hits *h)
{
	size_t i;

	for (i = 0; i < h->count; i++)
		free(h->items[i].moments);
	free(h->items);
	free(h->slots);
	memset(h, 0, sizeof(*h));
}
