/*
 * timestamp.h: video timestamps as people write them ("27:00", "1:04:00")
 * and as epsearch prints them (M:SS under an hour, H:MM:SS from an hour).
 */
#ifndef EPSEARCH_TIMESTAMP_H
#define EPSEARCH_TIMESTAMP_H

#include <stddef.h>

#define TIMESTAMP_MAX 32

/*
 * Reads "SS", "M:SS", "MM:SS" or "H:MM:SS" from the n bytes at s; minutes
 * and seconds after a colon must be two digits below 60. Returns the number
 * of bytes read and stores the seconds, or 0 when s does not start with a
 * timestamp. A bare number is a timestamp only when allow_plain is set.
 */
size_t timestamp_parse(const char *s, size_t n, int allow_plain,
		       long *seconds);

/* Writes seconds as M:SS or H:MM:SS into out; returns out. */
char *timestamp_format(long seconds, char out[TIMESTAMP_MAX]);

#endif
