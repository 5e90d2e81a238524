/*
 * episode.c: the few operations on struct episode: growing its lists and
 * freeing what it owns. Filling it in is frontmatter.c's job.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "episode.h"

static void
episode_free_strings(char **list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

void
episode_clear(struct episode *ep)
{
	size_t i;

	if (ep == NULL)
		return;
	free(ep->slug);
	free(ep->title);
	free(ep->description);
	free(ep->show);
	free(ep->published);
	episode_free_strings(ep->technologies, ep->technology_count);
	episode_free_strings(ep->guests, ep->guest_count);
	for (i = 0; i < ep->moment_count; i++)
		free(ep->moments[i].text);
	free(ep->moments);
	memset(ep, 0, sizeof(*ep));
}

/*
 * Makes room for one more element in an array of count elements of size
 * bytes. The capacity is never stored: it is the smallest power of two
 * from 4 that holds count, so the array grows when count reaches it.
 * Returns 0 or -ENOMEM (array unchanged).
 */
static int
episode_grow(void **array, size_t count, size_t size)
{
	size_t capacity = 4;
	void *bigger;

	while (capacity < count)
		capacity *= 2;
	if (*array != NULL && count < capacity)
		return 0;
	if (count == capacity)
		capacity *= 2;
	bigger = realloc(*array, capacity * size);
	if (bigger == NULL)
		return -ENOMEM;
	*array = bigger;
	return 0;
}

/*
 * The moment's end is MOMENT_NO_TIME until the parser knows it. A chapter
 * also counts in ep->chapter_count.
 */
int
episode_add_moment(struct episode *ep, enum moment_kind kind, long start,
		   char *text)
{
	struct moment *m;
	void *array = ep->moments;

	if (episode_grow(&array, ep->moment_count, sizeof(*m)) < 0) {
		free(text);
		return -ENOMEM;
	}
	ep->moments = array;
	m = &ep->moments[ep->moment_count++];
	m->kind = kind;
	m->start = start;
	m->end = MOMENT_NO_TIME;
	m->text = text;
	if (kind == MOMENT_CHAPTER)
		ep->chapter_count++;
	return 0;
}

int
episode_add_string(char ***list, size_t *count, char *s)
{
	void *array = *list;

	if (episode_grow(&array, *count, sizeof(**list)) < 0) {
		free(s);
		return -ENOMEM;
	}
	*list = array;
	(*list)[(*count)++] = s;
	return 0;
}
