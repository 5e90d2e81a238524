/*
 * test-text.c: UTF-8 validation, NFC, control characters, white space and
 * character references, as text.c promises them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

/* Normalizes a C string and checks the result against want. */
static void
expect_normalized(const char *in, size_t n, const char *want)
{
	char *got = text_normalize(in, n, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_valid_prefix(void **state)
{
	static const struct {
		const char *s;
		size_t n, want;
	} cases[] = {
	    {"", 0, 0},
	    {"plain ascii", 11, 11},
	    {"caf\xc3\xa9", 5, 5},
	    {"\xf0\x9f\x8d\xbf popcorn", 12, 12},
	    {"ab\xff", 3, 2},		/* never a UTF-8 byte */
	    {"ab\xc3", 3, 2},		/* cut short */
	    {"a\xc0\x80z", 4, 1},	/* overlong NUL */
	    {"a\xe0\x80\xafz", 5, 1},	/* overlong '/' */
	    {"ok\xed\xa0\x80", 5, 2},	/* a surrogate */
	    {"\xf4\x90\x80\x80", 4, 0}, /* beyond U+10FFFF */
	    {"x\x80y", 3, 1},		/* a lone continuation */
	    {"nul\0inside", 10, 10},	/* NUL is valid UTF-8 */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(text_utf8_valid_prefix(cases[i].s, cases[i].n),
				 cases[i].want);
}

static void
test_normalize_invalid(void **state)
{
	size_t bad = 99;

	assert_null(text_normalize("good\xc3(bad", 9, &bad));
	assert_int_equal(bad, 4);
	assert_null(text_normalize("\xff", 1, NULL));

	/* On success bad_offset is n. */
	free(text_normalize("fine", 4, &bad));
	assert_int_equal(bad, 4);
}

static void
test_normalize_nfc(void **state)
{
	/* e + combining acute becomes U+00E9; already composed stays. */
	expect_normalized("Cafe\xcc\x81", 6, "Caf\xc3\xa9");
	expect_normalized("Caf\xc3\xa9", 5, "Caf\xc3\xa9");
	/* o + combining tilde (as in T\u00f5nis) */
	expect_normalized("To\xcc\x83nis", 7, "T\xc3\xb5nis");
	/* Hangul jamo compose to one syllable. */
	expect_normalized("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 9,
			  "\xed\x95\x9c");
	/* Emoji pass through. */
	expect_normalized("\xf0\x9f\x8d\xbf Live", 9, "\xf0\x9f\x8d\xbf Live");
	expect_normalized("", 0, "");
}

static void
test_normalize_controls(void **state)
{
	expect_normalized("a\0b", 3, "a b");
	expect_normalized("line\r\nnext", 10, "line \nnext");
	expect_normalized("tab\tkept\nnewline kept", 21,
			  "tab\tkept\nnewline kept");
	expect_normalized("bell\x07 esc\x1b del\x7f", 15, "bell  esc  del ");
	/* C1 controls (U+0085, U+009B) are two bytes; each is one space. */
	expect_normalized("a\xc2\x85z\xc2\x9b", 6, "a z ");
	/* With something to compose next to them. */
	expect_normalized("e\xcc\x81\r", 4, "\xc3\xa9 ");
}

static void
test_squeeze(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {"   ", ""},
	    {"word", "word"},
	    {"  two   words  ", "two words"},
	    {"\tlines\n\nand\r\ntabs\t", "lines and tabs"},
	    {"caf\xc3\xa9  \xf0\x9f\x8d\xbf", "caf\xc3\xa9 \xf0\x9f\x8d\xbf"},
	    /* U+200A hair space, U+00A0 no-break space, U+2028 */
	    {"\xe2\x80\x8aToday\xc2\xa0we\xe2\x80\xa8go\xe2\x80\x8a",
	     "Today we go"},
	    /* U+200B is no space; U+00E9 and U+2026 are not either. */
	    {"a\xe2\x80\x8b b\xc3\xa9\xe2\x80\xa6",
	     "a\xe2\x80\x8b b\xc3\xa9\xe2\x80\xa6"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = strdup(cases[i].in);

		assert_ptr_equal(text_squeeze(s), s);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static void
test_trim(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", ""},
	    {" \n\t ", ""},
	    {"kept  inside\n\nlines", "kept  inside\n\nlines"},
	    {"\n\n  both ends \n\n", "both ends"},
	    {"\xe2\x80\x8aToday\xc2\xa0", "Today"},
	    {"caf\xc3\xa9 ", "caf\xc3\xa9"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = strdup(cases[i].in);

		assert_ptr_equal(text_trim(s), s);
		assert_string_equal(s, cases[i].want);
		free(s);
	}
}

/* Decodes the references of in and checks the result against want. */
static void
expect_decoded(const char *in, const char *want)
{
	char *s = strdup(in);
	size_t n = text_decode_entities(s, strlen(s));

	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
	free(s);
}

static void
test_entities(void **state)
{
	expect_decoded("I&#x27;ll", "I'll");
	expect_decoded("it&#39;s", "it's");
	expect_decoded("Q&amp;A &lt;b&gt; &quot;x&quot; &apos;y&apos;",
		       "Q&A <b> \"x\" 'y'");
	expect_decoded("a&nbsp;b", "a b");
	expect_decoded("&#233;t&#xE9;", "\xc3\xa9t\xc3\xa9");
	expect_decoded("&#x1F37F;", "\xf0\x9f\x8d\xbf");
	/* Unknown, unterminated and impossible references stay. */
	expect_decoded("&copy; &amp &#; &#x; &#0; &#xD800; &#x110000;",
		       "&copy; &amp &#; &#x; &#0; &#xD800; &#x110000;");
	expect_decoded("Q&A and R&D", "Q&A and R&D");
	expect_decoded("&", "&");
	expect_decoded("&amp;amp;", "&amp;");
	expect_decoded("", "");
}

static void
test_entities_then_normalize(void **state)
{
	char s[] = "bell&#7;end";
	size_t n = text_decode_entities(s, strlen(s));
	char *got = text_normalize(s, n, NULL);

	assert_string_equal(got, "bell end");
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_prefix),
	    cmocka_unit_test(test_normalize_invalid),
	    cmocka_unit_test(test_normalize_nfc),
	    cmocka_unit_test(test_normalize_controls),
	    cmocka_unit_test(test_squeeze),
	    cmocka_unit_test(test_trim),
	    cmocka_unit_test(test_entities),
	    cmocka_unit_test(test_entities_then_normalize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
