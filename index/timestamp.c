/*
 * timestamp.c: reads the timestamps people write in descriptions and front
 * matter ("50", "4:28", "1:04:00") and prints seconds the way the client
 * shows them. It does not look for timestamps inside prose; timeline.c
 * decides where one may start.
 */
#include <stdio.h>

#include "timestamp.h"

/* A plain number of seconds has at most this many digits (over 30 years). */
#define TIMESTAMP_PLAIN_DIGITS 9

static int
timestamp_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads up to max digits at s (n bytes); returns how many it read and
 * stores their value.
 */
static size_t
timestamp_digits(const char *s, size_t n, size_t max, long *value)
{
	size_t i;

	*value = 0;
	for (i = 0; i < n && i < max && timestamp_is_digit(s[i]); i++)
		*value = *value * 10 + (s[i] - '0');
	return i;
}

/* Reads ":DD" with DD below 60; returns 3, or 0 when s holds none. */
static size_t
timestamp_sexagesimal(const char *s, size_t n, long *value)
{
	if (n < 3 || s[0] != ':')
		return 0;
	if (timestamp_digits(s + 1, n - 1, 2, value) != 2 || *value >= 60)
		return 0;
	return 3;
}

size_t
timestamp_parse(const char *s, size_t n, int allow_plain, long *seconds)
{
	long first, second, third;
	size_t i, got;

	i = timestamp_digits(s, n, TIMESTAMP_PLAIN_DIGITS, &first);
	if (i == 0)
		return 0;
	got = timestamp_sexagesimal(s + i, n - i, &second);
	if (got == 0) {
		/* A bare number: only seconds, and only when asked for. */
		if (!allow_plain || (i < n && timestamp_is_digit(s[i])))
			return 0;
		*seconds = first;
		return i;
	}
	if (i > 2)
		return 0;
	i += got;
	got = timestamp_sexagesimal(s + i, n - i, &third);
	if (got == 0) {
		third = second;
		second = first;
		first = 0;
	}
	i += got;

	/* "1:02:03:04" and "12:345" are not timestamps. */
	if (i < n &&
	    (timestamp_is_digit(s[i]) ||
	     (s[i] == ':' && i + 1 < n && timestamp_is_digit(s[i + 1]))))
		return 0;
	*seconds = first * 3600 + second * 60 + third;
	return i;
}

char *
timestamp_format(long seconds, char out[TIMESTAMP_MAX])
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 3600)
		snprintf(out, TIMESTAMP_MAX, "%ld:%02ld", seconds / 60,
			 seconds % 60);
	else
		snprintf(out, TIMESTAMP_MAX, "%ld:%02ld:%02ld", seconds / 3600,
			 seconds / 60 % 60, seconds % 60);
	return out;
}
