/*
 * episode.h: one video episode as the parser reads it and the store keeps
 * it. Plain data; nothing here touches files or the database.
 */
#ifndef EPSEARCH_EPISODE_H
#define EPSEARCH_EPISODE_H

#include <stddef.h>

/* What a search hit points at inside a video. */
enum moment_kind {
	MOMENT_EPISODE,	 /* the episode as a whole: no start */
	MOMENT_CHAPTER,	 /* an entry of the chapters list */
	MOMENT_TIMELINE, /* a timestamped line inside the description */
};

#define MOMENT_NO_TIME (-1L)

/* A moment; start and end in seconds, MOMENT_NO_TIME where unknown. */
struct moment {
	enum moment_kind kind;
	long start;
	long end;
	char *text; /* owned, NFC UTF-8 */
};

/*
 * An episode. Every string is owned, NFC UTF-8 and never NULL once
 * frontmatter_parse() succeeded ("" where the file has no such field).
 * moments holds the chapters first, then the timeline lines, in order of
 * start; the MOMENT_EPISODE moment is implicit and not in the array.
 * The arrays grow through episode_add_moment() and episode_add_string()
 * only: their capacity follows from the count.
 */
struct episode {
	char *slug;
	char *title;
	char *description; /* with the timeline lines taken out */
	char *show;
	char *published; /* YYYY-MM-DD, or "" */
	long duration;	 /* seconds, 0 when unknown */
	char **technologies;
	size_t technology_count;
	char **guests;
	size_t guest_count;
	struct moment *moments;
	size_t moment_count;
	size_t chapter_count;
};

/* Frees what an episode owns and zeroes it; NULL and zeroed are fine. */
void episode_clear(struct episode *ep);

/*
 * Appends a moment taking ownership of text, with end MOMENT_NO_TIME; a
 * chapter also counts in chapter_count. 0 or -ENOMEM (text freed).
 */
int episode_add_moment(struct episode *ep, enum moment_kind kind, long start,
		       char *text);

/* Appends a string to a list taking ownership; 0 or -ENOMEM (s freed). */
int episode_add_string(char ***list, size_t *count, char *s);

#endif
