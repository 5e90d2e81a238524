/*
 * test-timestamp.c: the timestamp forms timestamp_parse() reads, the ones
 * it refuses, and how timestamp_format() prints seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "timestamp.h"

struct parse_case {
	const char *s;
	int allow_plain;
	size_t used; /* 0: not a timestamp */
	long seconds;
};

static void
check_parse(const struct parse_case *cases, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		long seconds = -7;
		size_t used = timestamp_parse(cases[i].s, strlen(cases[i].s),
					      cases[i].allow_plain, &seconds);

		print_message("case \"%s\"\n", cases[i].s);
		assert_int_equal(used, cases[i].used);
		if (used != 0)
			assert_int_equal(seconds, cases[i].seconds);
	}
}

static void
test_parse_forms(void **state)
{
	static const struct parse_case cases[] = {
	    {"0:05", 0, 4, 5},
	    {"4:28", 0, 4, 268},
	    {"00:50", 0, 5, 50},
	    {"27:00", 0, 5, 1620},
	    {"99:59", 0, 5, 5999},
	    {"1:04:00", 0, 7, 3840},
	    {"01:07:00", 0, 8, 4020},
	    {"10:00:01", 0, 8, 36001},
	    {"1:12:00 - Cross-compilation", 0, 7, 4320},
	    {"00:00: Introductions", 0, 5, 0},
	    {"12:30pm", 0, 5, 750},
	    {"43:00)", 0, 5, 2580},
	};

	check_parse(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_parse_plain(void **state)
{
	static const struct parse_case cases[] = {
	    {"50", 1, 2, 50},
	    {"0", 1, 1, 0},
	    {"5436", 1, 4, 5436},
	    {"50", 0, 0, 0},
	    {"2023 was a year", 0, 0, 0},
	    {"2023 was a year", 1, 4, 2023},
	    {"123456789", 1, 9, 123456789},
	    {"1234567890", 1, 0, 0}, /* too long to be believed */
	    {"12:3", 1, 2, 12},	     /* "12" and a stray ":3" */
	};

	check_parse(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_parse_refused(void **state)
{
	static const struct parse_case cases[] = {
	    {"", 1, 0, 0},	  {"abc", 1, 0, 0},    {"-5", 1, 0, 0},
	    {":30", 1, 0, 0},	  {"1:60", 0, 0, 0},   {"1:5", 0, 0, 0},
	    {"1:5x", 0, 0, 0},	  {"12:345", 0, 0, 0}, {"1:60:00", 0, 0, 0},
	    {"1:00:60", 0, 0, 0}, {"123:45", 0, 0, 0}, {"1:02:03:04", 0, 0, 0},
	    {"1:04:0", 0, 0, 0},
	};

	check_parse(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_format(void **state)
{
	static const struct {
		long seconds;
		const char *want;
	} cases[] = {
	    {0, "0:00"},       {5, "0:05"},	    {59, "0:59"},
	    {60, "1:00"},      {268, "4:28"},	    {1620, "27:00"},
	    {3599, "59:59"},   {3600, "1:00:00"},   {3840, "1:04:00"},
	    {5436, "1:30:36"}, {36001, "10:00:01"}, {-1, "0:00"},
	};
	char out[TIMESTAMP_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_ptr_equal(timestamp_format(cases[i].seconds, out), out);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_round_trip(void **state)
{
	char out[TIMESTAMP_MAX];
	long s, back;

	for (s = 0; s < 2 * 3600 + 10; s += 7) {
		timestamp_format(s, out);
		assert_int_equal(timestamp_parse(out, strlen(out), 0, &back),
				 strlen(out));
		assert_int_equal(back, s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_forms),
	    cmocka_unit_test(test_parse_plain),
	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
