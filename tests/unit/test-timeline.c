/*
 * test-timeline.c: which description lines are timeline lines, what their
 * moments hold, and what is left of the description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "episode.h"
#include "timeline.h"

struct want_moment {
	long start;
	const char *text;
};

/* Extracts description and checks the moments and what is left. */
static void
check_extract(const char *description, const struct want_moment *want,
	      size_t count, const char *rest)
{
	struct episode ep;
	size_t i;

	memset(&ep, 0, sizeof(ep));
	assert_int_equal(timeline_extract(&ep, description), 0);
	for (i = 0; i < ep.moment_count && i < count; i++) {
		print_message("moment %zu: %ld \"%s\"\n", i,
			      ep.moments[i].start, ep.moments[i].text);
		assert_int_equal(ep.moments[i].kind, MOMENT_TIMELINE);
		assert_int_equal(ep.moments[i].start, want[i].start);
		assert_int_equal(ep.moments[i].end, MOMENT_NO_TIME);
		assert_string_equal(ep.moments[i].text, want[i].text);
	}
	assert_int_equal(ep.moment_count, count);
	assert_int_equal(ep.chapter_count, 0);
	assert_string_equal(ep.description, rest);
	episode_clear(&ep);
}

static void
test_dash_lines(void **state)
{
	static const struct want_moment want[] = {
	    {0, "Holding screen"},
	    {50, "Introductions"},
	    {1620, "Build caching with mounts"},
	    {3840, "Bake with HCL"},
	    {4320, "Cross-compilation with native toolchains"},
	};

	check_extract("BuildKit and buildx\n\n\xf0\x9f\x95\xb0 Timeline\n\n"
		      "00:00 - Holding screen\n00:50 - Introductions\n"
		      "27:00 - Build caching with mounts\n"
		      "1:04:00 - Bake with HCL\n"
		      "1:12:00 - Cross-compilation with native toolchains\n"
		      "\nAbout the guests",
		      want, 5,
		      "BuildKit and buildx\n\n\xf0\x9f\x95\xb0 Timeline\n\n"
		      "\nAbout the guests");
}

static void
test_literal_backslash_n(void **state)
{
	static const struct want_moment want[] = {
	    {0, "Introduction to Java for Serverless Functions"},
	    {268, "Java's Evolution and Modernization"},
	    {1784, "Conclusion and Final Thoughts"},
	};

	/* A folded YAML block keeps backslash-n as two characters. */
	check_extract("Why it remains a powerful tool.\\n\\n00:00 Introduction "
		      "to Java for Serverless Functions\\n04:28 Java's "
		      "Evolution and Modernization\\n29:44 Conclusion and "
		      "Final Thoughts",
		      want, 3, "Why it remains a powerful tool.");
}

static void
test_separators(void **state)
{
	static const struct want_moment want[] = {
	    {0, "Introductions"}, {102, "The Path to WebAssembly"},
	    {60, "Bar"},	  {70, "En dash"},
	    {80, "Em dash"},	  {90, "Pipe"},
	    {100, "Colon"},	  {16, "JS Router (Itty Router)"},
	    {0, "Introduction"},  {120, "Star bullet"},
	    {130, "Bullet"},	  {140, "Squeezed text"},
	    {4020, "Kubernetes"}, {150, "Glued dash"},
	};

	check_extract("(00:00) - Introductions\n\n(01:42) The Path to "
		      "WebAssembly\n[01:00] Bar\n01:10 \xe2\x80\x93 En dash\n"
		      "01:20\xe2\x80\x94"
		      "Em dash\n01:30 | Pipe\n01:40: Colon\n"
		      "  - 00:16 - JS Router (Itty Router)\n- 00:00- "
		      "Introduction\n* 2:00 Star bullet\n\xe2\x80\xa2 2:10 "
		      "Bullet\n\t02:20   Squeezed \t text  \n01:07:00 - "
		      "Kubernetes\n02:30-Glued dash",
		      want, sizeof(want) / sizeof(want[0]), "");
}

static void
test_prose_stays(void **state)
{
	static const char *const prose = "12:30pm lunch\n"
					 "2:00 PM CET we start\n"
					 "14:00 UTC: doors open\n"
					 "10:00\n"
					 "00:50 -\n"
					 "00:50 - \t\n"
					 "2023 was a great year\n"
					 "50 - a bare number\n"
					 "Join us at 14:00 - live\n"
					 "Version 1:04:00 release\n"
					 "12:345 nope\n"
					 "1:60 nope\n"
					 "(00:50 unclosed\n"
					 "10:00am sharp\n"
					 "01:00 - \xe2\x80\x8a\n"
					 "https://example.com/a\\b";

	check_extract(prose, NULL, 0, prose);
}

static void
test_description_shape(void **state)
{
	static const struct want_moment want[] = {{5, "Only line"}};

	/* A timeline at the end leaves no trailing blank lines. */
	check_extract("Intro\\n\\n00:05 Only line\\n\\n", want, 1, "Intro");
	check_extract("", NULL, 0, "");
	check_extract("00:05 Only line", want, 1, "");
	check_extract("a\\nb\nc  \n\n", NULL, 0, "a\nb\nc");
	/* White space at both ends goes, inside it stays. */
	check_extract("\n  indented\n\n  text \n", NULL, 0,
		      "indented\n\n  text");
}

static void
test_replaces_description(void **state)
{
	struct episode ep;

	memset(&ep, 0, sizeof(ep));
	ep.description = strdup("old");
	assert_int_equal(timeline_extract(&ep, "new\n1:00 Moment"), 0);
	assert_string_equal(ep.description, "new");
	assert_int_equal(ep.moment_count, 1);
	episode_clear(&ep);
	assert_null(ep.description);
	assert_int_equal(ep.moment_count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dash_lines),
	    cmocka_unit_test(test_literal_backslash_n),
	    cmocka_unit_test(test_separators),
	    cmocka_unit_test(test_prose_stays),
	    cmocka_unit_test(test_description_shape),
	    cmocka_unit_test(test_replaces_description),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
