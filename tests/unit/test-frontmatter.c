/*
 * test-frontmatter.c: small episode files, good, broken and tricky, each
 * written out here, and what frontmatter_parse() makes of them: fields,
 * moments and their ends, and for the broken ones the line and message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "frontmatter.h"

static int
parse_n(const char *text, size_t n, struct episode *ep, struct parse_error *err)
{
	return frontmatter_parse(text, n, "default-slug", ep, err);
}

/* Parses text, which must be good, into ep. */
static void
parse_ok(const char *text, struct episode *ep)
{
	struct parse_error err;
	int rc = parse_n(text, strlen(text), ep, &err);

	if (rc != 0)
		print_message("unexpected error: line %d: %s\n", err.line,
			      err.message);
	assert_int_equal(rc, 0);
}

/* Parses the n bytes at text, which must fail at line with message. */
static void
expect_error_n(const char *text, size_t n, int line, const char *message)
{
	struct parse_error err;
	struct episode ep;

	assert_int_equal(parse_n(text, n, &ep, &err), -EINVAL);
	print_message("line %d: %s\n", err.line, err.message);
	assert_string_equal(err.message, message);
	assert_int_equal(err.line, line);
	/* A failed parse leaves nothing to free. */
	assert_null(ep.title);
	assert_null(ep.moments);
}

static void
expect_error(const char *text, int line, const char *message)
{
	expect_error_n(text, strlen(text), line, message);
}

/* Like expect_error, for messages libyaml words: only their start. */
static void
expect_error_prefix(const char *text, size_t n, int line, const char *prefix)
{
	struct parse_error err;
	struct episode ep;

	assert_int_equal(parse_n(text, n, &ep, &err), -EINVAL);
	print_message("line %d: %s\n", err.line, err.message);
	assert_int_equal(strncmp(err.message, prefix, strlen(prefix)), 0);
	assert_int_equal(err.line, line);
}

static void
expect_moment(const struct moment *m, enum moment_kind kind, long start,
	      long end, const char *text)
{
	assert_int_equal(m->kind, kind);
	assert_int_equal(m->start, start);
	assert_int_equal(m->end, end);
	assert_string_equal(m->text, text);
}

static void
test_minimal(void **state)
{
	struct episode ep;

	parse_ok("---\ntitle: Just a title\n---\nbody\n", &ep);
	assert_string_equal(ep.title, "Just a title");
	assert_string_equal(ep.slug, "default-slug");
	assert_string_equal(ep.description, "");
	assert_string_equal(ep.show, "");
	assert_string_equal(ep.published, "");
	assert_int_equal(ep.duration, 0);
	assert_int_equal(ep.moment_count, 0);
	assert_int_equal(ep.chapter_count, 0);
	assert_int_equal(ep.technology_count, 0);
	assert_int_equal(ep.guest_count, 0);
	episode_clear(&ep);

	/* No default slug: "" rather than NULL. */
	{
		struct parse_error err;

		assert_int_equal(frontmatter_parse("---\ntitle: t\n---", 16,
						   NULL, &ep, &err),
				 0);
		assert_string_equal(ep.slug, "");
		episode_clear(&ep);
	}
}

static const char full_episode[] =
    "---\n"
    "id: ignored\n"
    "slug: hands-on\n"
    "title: Hands-on with BuildKit &amp; buildx\n"
    "subtitle: >-\n"
    "  ignored too\n"
    "description: \"Intro &#x27;quoted&#x27;\\n\\nTimeline\\n\\n"
    "00:00 - Holding screen\\n00:50 - Introductions\\n"
    "10:00 - Building a Go Project\\n\\nAbout the guests\"\n"
    "publishedAt: 2021-08-25T17:00:00.000Z\n"
    "technologies:\n"
    "  - buildkit\n"
    "  - docker\n"
    "guests: [tonistiigi]\n"
    "show: rawkode-live\n"
    "resources:\n"
    "  - type: url\n"
    "    title: Not a chapter\n"
    "whatYouWillLearn:\n"
    "  - \"a thing\"\n"
    "chapters:\n"
    "  - startTime: 50\n"
    "    title: Introductions\n"
    "  - startTime: 0\n"
    "    title: Holding screen\n"
    "  - title: 'Q&A: Dockerignore'\n"
    "    startTime: \"1:04:00\"\n"
    "    extra: ignored\n"
    "  - startTime: 1620\n"
    "    title: >-\n"
    "      Build caching\n"
    "      with mounts\n"
    "duration: 5436\n"
    "---\n"
    "# Body text is not read\n";

static void
test_full_episode(void **state)
{
	struct episode ep;

	parse_ok(full_episode, &ep);
	assert_string_equal(ep.slug, "hands-on");
	assert_string_equal(ep.title, "Hands-on with BuildKit & buildx");
	assert_string_equal(ep.show, "rawkode-live");
	assert_string_equal(ep.published, "2021-08-25");
	assert_int_equal(ep.duration, 5436);
	assert_int_equal(ep.technology_count, 2);
	assert_string_equal(ep.technologies[0], "buildkit");
	assert_string_equal(ep.technologies[1], "docker");
	assert_int_equal(ep.guest_count, 1);
	assert_string_equal(ep.guests[0], "tonistiigi");
	assert_string_equal(ep.description,
			    "Intro 'quoted'\n\nTimeline\n\n\nAbout the guests");

	/* Chapters sorted, ends from the next start and the duration. */
	assert_int_equal(ep.chapter_count, 4);
	assert_int_equal(ep.moment_count, 5);
	expect_moment(&ep.moments[0], MOMENT_CHAPTER, 0, 50, "Holding screen");
	expect_moment(&ep.moments[1], MOMENT_CHAPTER, 50, 1620,
		      "Introductions");
	expect_moment(&ep.moments[2], MOMENT_CHAPTER, 1620, 3840,
		      "Build caching with mounts");
	expect_moment(&ep.moments[3], MOMENT_CHAPTER, 3840, 5436,
		      "Q&A: Dockerignore");
	/* 00:00 and 00:50 repeat chapters; 10:00 ends at the duration. */
	expect_moment(&ep.moments[4], MOMENT_TIMELINE, 600, 5436,
		      "Building a Go Project");
	episode_clear(&ep);
}

static void
test_timeline_ends(void **state)
{
	struct episode ep;

	/* Timeline ends come from the timeline, before repeats are dropped. */
	parse_ok("---\ntitle: t\ndescription: >-\n  Hi\\n02:00 Second\\n"
		 "00:10 First\\n03:00 Third\nduration: 0\nchapters:\n"
		 "  - startTime: 120\n    title: Chapter\n---\n",
		 &ep);
	assert_int_equal(ep.chapter_count, 1);
	assert_int_equal(ep.moment_count, 3);
	expect_moment(&ep.moments[0], MOMENT_CHAPTER, 120, MOMENT_NO_TIME,
		      "Chapter");
	expect_moment(&ep.moments[1], MOMENT_TIMELINE, 10, 120, "First");
	expect_moment(&ep.moments[2], MOMENT_TIMELINE, 180, MOMENT_NO_TIME,
		      "Third");
	assert_string_equal(ep.description, "Hi");
	episode_clear(&ep);

	/* Equal starts keep the file's order; the end is the next start. */
	parse_ok("---\ntitle: t\nduration: 100\nchapters:\n"
		 "  - {startTime: 10, title: B}\n"
		 "  - {startTime: 0, title: A}\n"
		 "  - {startTime: 10, title: C}\n"
		 "  - {startTime: 200, title: Late}\n---\n",
		 &ep);
	expect_moment(&ep.moments[0], MOMENT_CHAPTER, 0, 10, "A");
	expect_moment(&ep.moments[1], MOMENT_CHAPTER, 10, 200, "B");
	expect_moment(&ep.moments[2], MOMENT_CHAPTER, 10, 200, "C");
	expect_moment(&ep.moments[3], MOMENT_CHAPTER, 200, MOMENT_NO_TIME,
		      "Late");
	episode_clear(&ep);
}

static void
test_times_as_timestamps(void **state)
{
	struct episode ep;

	parse_ok("---\ntitle: t\nduration: '1:30:36'\nchapters:\n"
		 "  - startTime: 1:04:00\n    title: Bake\n---\n",
		 &ep);
	assert_int_equal(ep.duration, 5436);
	expect_moment(&ep.moments[0], MOMENT_CHAPTER, 3840, 5436, "Bake");
	episode_clear(&ep);

	parse_ok("---\ntitle: t\npublishedAt: 2021-08-25\nduration:\n---\n",
		 &ep);
	assert_string_equal(ep.published, "2021-08-25");
	assert_int_equal(ep.duration, 0);
	episode_clear(&ep);
}

static void
test_no_front_matter(void **state)
{
	expect_error("", 1, "no front matter: file does not start with ---");
	expect_error("# Just Markdown\n", 1,
		     "no front matter: file does not start with ---");
	expect_error("--- \ntitle: t\n---\n", 1,
		     "no front matter: file does not start with ---");
	expect_error("\n---\ntitle: t\n---\n", 1,
		     "no front matter: file does not start with ---");
	expect_error("---\ntitle: t\n", 1,
		     "front matter is not closed by a --- line");
	expect_error("---", 1, "front matter is not closed by a --- line");
	expect_error("---\ntitle: t\n----\n ---\n--- \n", 1,
		     "front matter is not closed by a --- line");
}

static void
test_not_a_mapping(void **state)
{
	expect_error("---\n- a\n- b\n---\n", 2,
		     "front matter is a list, expected a mapping");
	expect_error("---\n\nhello\n---\n", 3,
		     "front matter is a scalar, expected a mapping");
	expect_error("---\n---\n", 1,
		     "title: missing (the front matter is empty)");
	expect_error("---\n# only a comment\n---\n", 1,
		     "title: missing (the front matter is empty)");
}

static void
test_title(void **state)
{
	expect_error("---\nslug: s\nshow: x\n---\n", 2, "title: missing");
	expect_error("---\nslug: s\ntitle: ''\n---\n", 3, "title: empty");
	expect_error("---\nslug: s\ntitle:\n---\n", 3, "title: empty");
	expect_error("---\ntitle: \"  \\t \"\n---\n", 2, "title: empty");
	expect_error("---\ntitle: [a, b]\n---\n", 2,
		     "title: expected a string, got a list");
	expect_error("---\ntitle:\n  a: b\n---\n", 3,
		     "title: expected a string, got a mapping");
}

static void
test_chapters_errors(void **state)
{
	expect_error("---\ntitle: t\nchapters: 5\n---\n", 3,
		     "chapters: expected a list");
	expect_error("---\ntitle: t\nchapters:\n  a: 1\n---\n", 4,
		     "chapters: expected a list");
	expect_error("---\ntitle: t\nchapters:\n  - 5\n---\n", 4,
		     "chapters[0]: expected a mapping, got a scalar");
	expect_error("---\ntitle: t\nchapters:\n  - startTime: 1\n"
		     "    title: a\n  - title: b\n---\n",
		     6, "chapters[1].startTime: missing");
	expect_error("---\ntitle: t\nchapters:\n  - startTime: 1\n---\n", 4,
		     "chapters[0].title: missing");
	expect_error("---\ntitle: t\nchapters:\n  - startTime: 1\n"
		     "    title: ''\n---\n",
		     5, "chapters[0].title: empty");
	expect_error("---\ntitle: t\nchapters:\n  - startTime: 1\n"
		     "    startTime: 2\n    title: a\n---\n",
		     5, "chapters[0].startTime: duplicate key");
}

static void
test_bad_start_times(void **state)
{
	static const struct {
		const char *value, *message;
	} cases[] = {
	    {"abc", "chapters[3].startTime: expected seconds, got \"abc\""},
	    {"-5", "chapters[3].startTime: expected seconds, got \"-5\""},
	    {"5.5", "chapters[3].startTime: expected seconds, got \"5.5\""},
	    {"''", "chapters[3].startTime: expected seconds, got \"\""},
	    {"~", "chapters[3].startTime: expected seconds, got \"~\""},
	    {"1:60", "chapters[3].startTime: expected seconds, got \"1:60\""},
	    {"12:3", "chapters[3].startTime: expected seconds, got \"12:3\""},
	    {"' 5'", "chapters[3].startTime: expected seconds, got \" 5\""},
	    {"\"a\\tb\"",
	     "chapters[3].startTime: expected seconds, got \"a?b\""},
	    {"99999999999", "chapters[3].startTime: expected seconds, got "
			    "\"99999999999\""},
	    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	     "chapters[3].startTime: expected seconds, got "
	     "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\""},
	    {"604801", "chapters[3].startTime: 604801 seconds is more "
		       "than a week"},
	    {"[1]", "chapters[3].startTime: expected seconds, got a list"},
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "---\ntitle: t\nchapters:\n"
			 "  - {startTime: 0, title: a}\n"
			 "  - {startTime: 1, title: b}\n"
			 "  - {startTime: 2, title: c}\n"
			 "  - title: d\n"
			 "    startTime: %s\n"
			 "---\n",
			 cases[i].value);
		expect_error(text, 8, cases[i].message);
	}
	/* A week is still believed. */
	{
		struct episode ep;

		parse_ok("---\ntitle: t\nduration: 604800\n---\n", &ep);
		assert_int_equal(ep.duration, 604800);
		episode_clear(&ep);
	}
}

static void
test_other_field_errors(void **state)
{
	expect_error("---\ntitle: t\nduration: -1\n---\n", 3,
		     "duration: expected seconds, got \"-1\"");
	expect_error("---\ntitle: t\nduration: 1e9\n---\n", 3,
		     "duration: expected seconds, got \"1e9\"");
	expect_error("---\ntitle: t\nduration: 9999999\n---\n", 3,
		     "duration: 9999999 seconds is more than a week");
	expect_error("---\ntitle: t\ntechnologies: docker\n---\n", 3,
		     "technologies: expected a list");
	expect_error("---\ntitle: t\nguests:\n  - a\n  - [b]\n---\n", 5,
		     "guests[1]: expected a string, got a list");
	expect_error("---\ntitle: t\npublishedAt: last week\n---\n", 3,
		     "publishedAt: expected a date like 2021-08-25, got "
		     "\"last week\"");
	expect_error("---\ntitle: t\npublishedAt: 2021-13-01\n---\n", 3,
		     "publishedAt: expected a date like 2021-08-25, got "
		     "\"2021-13-01\"");
	expect_error("---\ntitle: t\npublishedAt: 2021-08-25x\n---\n", 3,
		     "publishedAt: expected a date like 2021-08-25, got "
		     "\"2021-08-25x\"");
	expect_error("---\ntitle: t\npublishedAt: {a: 1}\n---\n", 3,
		     "publishedAt: expected a date, got a mapping");
	expect_error("---\ntitle: t\nchapters:\n  -\n---\n", 4,
		     "chapters[0]: expected a mapping, got nothing");
	expect_error("---\ntitle: t\nslug: [a]\n---\n", 3,
		     "slug: expected a string, got a list");
}

static void
test_crlf_and_bom(void **state)
{
	static const char crlf[] = "\xef\xbb\xbf---\r\n"
				   "title: Carriage\r\n"
				   "description: \"one\r\n"
				   "  two\"\r\n"
				   "technologies:\r\n"
				   "  - docker\r\n"
				   "chapters:\r\n"
				   "  - startTime: 5\r\n"
				   "    title: |-\r\n"
				   "      Five\r\n"
				   "duration: 10\r\n"
				   "---\r\n"
				   "body\r\n";
	struct episode ep;

	parse_ok(crlf, &ep);
	assert_string_equal(ep.title, "Carriage");
	assert_string_equal(ep.description, "one two");
	assert_string_equal(ep.technologies[0], "docker");
	expect_moment(&ep.moments[0], MOMENT_CHAPTER, 5, 10, "Five");
	assert_int_equal(ep.duration, 10);
	episode_clear(&ep);

	/* Line numbers count the same with a BOM and CRLF. */
	expect_error("\xef\xbb\xbf---\r\ntitle: t\r\n\r\nduration: x\r\n"
		     "---\r\n",
		     4, "duration: expected seconds, got \"x\"");
	/* A literal block keeps line breaks, never a CR. */
	parse_ok("---\r\ntitle: t\r\ndescription: |\r\n  a\r\n  b\r\n---\r\n",
		 &ep);
	assert_string_equal(ep.description, "a\nb");
	episode_clear(&ep);
}

static void
test_dashes_inside_description(void **state)
{
	static const char cut[] =
	    "---\ntitle: t\ndescription: \"first\n---\nlast\"\n";
	struct episode ep;

	/* Not a whole line: the front matter goes on. */
	parse_ok("---\ntitle: t\ndescription: \"first\n  ---\n  last\"\n"
		 "slug: after\n---\n",
		 &ep);
	assert_string_equal(ep.description, "first --- last");
	assert_string_equal(ep.slug, "after");
	episode_clear(&ep);

	parse_ok("---\ntitle: t\ndescription: \"a\\n---\\nb\"\n---\n", &ep);
	assert_string_equal(ep.description, "a\n---\nb");
	episode_clear(&ep);

	/* A whole "---" line inside quotes ends the front matter there. */
	expect_error_prefix(cut, sizeof(cut) - 1, 4,
			    "YAML: found unexpected end of stream while "
			    "scanning a quoted scalar");
}

static void
test_invalid_text(void **state)
{
	static const char nul_raw[] = "---\nslug: s\ntitle: a\0b\n---\n";
	static const char bad_utf8[] = "---\nslug: s\n\ntitle: caf\xc3(\n---\n";
	struct episode ep;

	/* libyaml refuses both before any field sees them. */
	expect_error_prefix(nul_raw, sizeof(nul_raw) - 1, 3,
			    "YAML: control characters are not allowed");
	expect_error_prefix(bad_utf8, sizeof(bad_utf8) - 1, 4,
			    "YAML: invalid trailing UTF-8 octet");

	/* An escaped NUL or CR becomes a space. */
	parse_ok("---\ntitle: \"a\\0b\\rc\"\n---\n", &ep);
	assert_string_equal(ep.title, "a b c");
	episode_clear(&ep);

	/* NFC: e and a combining acute become one character. */
	parse_ok("---\ntitle: \"Cafe\\u0301\"\n---\n", &ep);
	assert_string_equal(ep.title, "Caf\xc3\xa9");
	episode_clear(&ep);
}

static void
test_yaml_syntax(void **state)
{
	static const char value_colon[] = "---\ntitle: t\nslug: a: b\n---\n";
	static const char unclosed_list[] =
	    "---\ntitle: t\n\nchapters: [1, 2\n---\n";
	static const char no_anchor[] = "---\ntitle: *nowhere\n---\n";

	expect_error_prefix(value_colon, sizeof(value_colon) - 1, 3,
			    "YAML: mapping values are not allowed");
	/* The end of the front matter is where the list was cut short. */
	expect_error_prefix(unclosed_list, sizeof(unclosed_list) - 1, 5,
			    "YAML: did not find expected ',' or ']' while "
			    "parsing a flow sequence");
	expect_error_prefix(no_anchor, sizeof(no_anchor) - 1, 2,
			    "YAML: found undefined alias");
}

static void
test_duplicate_keys(void **state)
{
	expect_error("---\ntitle: a\nslug: s\ntitle: b\n---\n", 4,
		     "title: duplicate key");
	expect_error("---\ntitle: a\nchapters: []\nchapters: []\n---\n", 4,
		     "chapters: duplicate key");
}

static void
test_aliases(void **state)
{
	static const char laughs[] =
	    "---\n"
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	    "title: &t Laughs\n"
	    "show: *t\n"
	    "%s\n"
	    "---\n";
	char text[2048];
	struct episode ep;
	clock_t begun = clock();

	/* Unread, and read where a list of strings is wanted. */
	snprintf(text, sizeof(text), laughs, "slug: s");
	parse_ok(text, &ep);
	assert_string_equal(ep.show, "Laughs");
	episode_clear(&ep);
	snprintf(text, sizeof(text), laughs, "technologies: *i");
	/* The line is the anchored node's: h's list on line 9. */
	expect_error(text, 9,
		     "technologies[0]: expected a string, got a "
		     "list");
	snprintf(text, sizeof(text), laughs, "chapters: *i");
	expect_error(text, 9, "chapters[0]: expected a mapping, got a list");

	/* An alias of an ancestor is a loop: never walked into. */
	parse_ok("---\ntitle: t\nloop: &l [*l, *l]\n---\n", &ep);
	episode_clear(&ep);
	expect_error("---\ntitle: t\nchapters: &l [*l]\n---\n", 3,
		     "chapters[0]: expected a mapping, got a list");
	assert_true(clock() - begun < CLOCKS_PER_SEC);
}

/* Builds front matter holding depth nested flow lists. */
static char *
nested(size_t depth, size_t *n)
{
	static const char head[] = "---\ntitle: t\ndeep: ", tail[] = "\n---\n";
	char *s = malloc(sizeof(head) + 2 * depth + sizeof(tail));
	size_t len = sizeof(head) - 1;

	assert_non_null(s);
	memcpy(s, head, len);
	memset(s + len, '[', depth);
	memset(s + len + depth, ']', depth);
	len += 2 * depth;
	memcpy(s + len, tail, sizeof(tail));
	*n = len + sizeof(tail) - 1;
	return s;
}

static void
test_deep_nesting(void **state)
{
	struct episode ep;
	size_t n;
	char *s;

	s = nested(20, &n);
	parse_ok(s, &ep);
	episode_clear(&ep);
	free(s);

	s = nested(100000, &n);
	expect_error_n(s, n, 3, "front matter nests deeper than 32 levels");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_full_episode),
	    cmocka_unit_test(test_timeline_ends),
	    cmocka_unit_test(test_times_as_timestamps),
	    cmocka_unit_test(test_no_front_matter),
	    cmocka_unit_test(test_not_a_mapping),
	    cmocka_unit_test(test_title),
	    cmocka_unit_test(test_chapters_errors),
	    cmocka_unit_test(test_bad_start_times),
	    cmocka_unit_test(test_other_field_errors),
	    cmocka_unit_test(test_crlf_and_bom),
	    cmocka_unit_test(test_dashes_inside_description),
	    cmocka_unit_test(test_invalid_text),
	    cmocka_unit_test(test_yaml_syntax),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_aliases),
	    cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
