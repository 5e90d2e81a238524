/*
 * test-corpus.c: parses every episode of the real corpus (EPSEARCH_CORPUS)
 * and checks the counts, the invariants every episode must keep, and a few
 * episodes field by field. It reads the corpus in place; nothing is copied.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontmatter.h"

/* What one walk over a subtree found; nftw() leaves no room for an arg. */
static struct corpus_totals {
	long files;
	long episodes;
	long chapters;
	long timeline;
	long errors;
} totals;

/* Reads a whole file; returns a new buffer and its size, or NULL. */
static char *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)size + 1);
		if (buf != NULL &&
		    fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)size;
	}
	fclose(f);
	return buf;
}

/* The slug a file gets when it names none: its name without ".md". */
static void
default_slug(const char *path, char *slug, size_t size)
{
	const char *base = strrchr(path, '/');

	snprintf(slug, size, "%s", base != NULL ? base + 1 : path);
	if (strlen(slug) > 3)
		slug[strlen(slug) - 3] = '\0';
}

/* Parses the file at path into ep; returns what frontmatter_parse did. */
static int
parse_file(const char *path, struct episode *ep, struct parse_error *err)
{
	char slug[256];
	size_t n = 0;
	char *buf;
	int rc;

	buf = read_file(path, &n);
	assert_non_null(buf);
	default_slug(path, slug, sizeof(slug));
	rc = frontmatter_parse(buf, n, slug, ep, err);
	free(buf);
	return rc;
}

static void
check_text(const char *s)
{
	assert_non_null(s);
	assert_null(strchr(s, '\r'));
}

/* What every parsed episode must hold, whatever the file said. */
static void
check_episode(const struct episode *ep)
{
	size_t i;

	check_text(ep->title);
	assert_true(ep->title[0] != '\0');
	check_text(ep->slug);
	assert_true(ep->slug[0] != '\0');
	check_text(ep->description);
	assert_null(strstr(ep->description, "\\n"));
	check_text(ep->show);
	check_text(ep->published);
	assert_true(ep->published[0] == '\0' || strlen(ep->published) == 10);
	assert_true(ep->chapter_count <= ep->moment_count);
	for (i = 0; i < ep->moment_count; i++) {
		const struct moment *m = &ep->moments[i];

		assert_int_equal(m->kind, i < ep->chapter_count
					      ? MOMENT_CHAPTER
					      : MOMENT_TIMELINE);
		check_text(m->text);
		assert_true(m->text[0] != '\0');
		assert_true(m->start >= 0);
		assert_true(m->end == MOMENT_NO_TIME || m->end > m->start);
		if (i > 0 && m->kind == ep->moments[i - 1].kind)
			assert_true(m->start >= ep->moments[i - 1].start);
	}
}

static int
visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	struct parse_error err;
	struct episode ep;
	size_t len = strlen(path);

	if (type != FTW_F || len < 3 || strcmp(path + len - 3, ".md") != 0)
		return 0;
	totals.files++;
	if (parse_file(path, &ep, &err) != 0) {
		print_message("%s:%d: %s\n", path, err.line, err.message);
		totals.errors++;
		return 0;
	}
	check_episode(&ep);
	totals.episodes++;
	totals.chapters += (long)ep.chapter_count;
	totals.timeline += (long)(ep.moment_count - ep.chapter_count);
	episode_clear(&ep);
	return 0;
}

/* The corpus path of sub, in path (size bytes). */
static void
corpus_path(const char *sub, char *path, size_t size)
{
	const char *root = getenv("EPSEARCH_CORPUS");

	assert_non_null(root);
	snprintf(path, size, "%s/%s", root, sub);
}

static void
walk(const char *sub)
{
	char path[4096];

	corpus_path(sub, path, sizeof(path));
	memset(&totals, 0, sizeof(totals));
	assert_int_equal(nftw(path, visit, 16, FTW_PHYS), 0);
	print_message("%s: %ld files, %ld episodes, %ld chapters, "
		      "%ld timeline moments, %ld errors\n",
		      sub, totals.files, totals.episodes, totals.chapters,
		      totals.timeline, totals.errors);
}

static void
test_rawkode_2025_11(void **state)
{
	walk("rawkode-2025-11");
	assert_int_equal(totals.errors, 0);
	assert_int_equal(totals.episodes, 309);
	assert_int_equal(totals.chapters, 8971);
}

static void
test_rawkode_2026_sample(void **state)
{
	walk("rawkode-2026-sample");
	assert_int_equal(totals.errors, 0);
	assert_int_equal(totals.episodes, 31);
}

static void
test_seed(void **state)
{
	walk("seed");
	assert_int_equal(totals.errors, 0);
	assert_int_equal(totals.episodes, 1);
	assert_int_equal(totals.chapters, 39);
}

/* Parses one corpus file, which must be good, into ep. */
static void
parse_corpus_file(const char *sub, struct episode *ep)
{
	struct parse_error err;
	char path[4096];

	corpus_path(sub, path, sizeof(path));
	if (parse_file(path, ep, &err) != 0)
		print_message("%s:%d: %s\n", path, err.line, err.message);
	assert_non_null(ep->title);
}

/* Returns the moment of ep of kind that starts at start, or NULL. */
static const struct moment *
find_moment(const struct episode *ep, enum moment_kind kind, long start)
{
	size_t i;

	for (i = 0; i < ep->moment_count; i++) {
		if (ep->moments[i].kind == kind &&
		    ep->moments[i].start == start)
			return &ep->moments[i];
	}
	return NULL;
}

static void
test_buildkit_episode(void **state)
{
	const struct moment *m;
	struct episode ep;

	parse_corpus_file("rawkode-2025-11/shows/rawkode-live/2021/"
			  "hands-on-with-buildkit-and-buildx.md",
			  &ep);
	assert_string_equal(ep.title, "Hands-on with BuildKit & buildx");
	assert_string_equal(ep.slug, "hands-on-with-buildkit-and-buildx");
	assert_string_equal(ep.published, "2021-08-25");
	assert_string_equal(ep.show, "rawkode-live");
	assert_int_equal(ep.duration, 5436);
	assert_int_equal(ep.chapter_count, 39);
	assert_int_equal(ep.technology_count, 2);
	assert_string_equal(ep.technologies[0], "buildkit");

	m = find_moment(&ep, MOMENT_CHAPTER, 1620);
	assert_non_null(m);
	assert_string_equal(m->text, "Build caching with mounts");
	assert_int_equal(m->end, 1687);
	m = &ep.moments[ep.chapter_count - 1];
	assert_string_equal(m->text, "Q&A and Conclusion");
	assert_int_equal(m->end, 5436);

	/* Every timeline line repeats a chapter, so none is left. */
	assert_int_equal(ep.moment_count, ep.chapter_count);
	assert_null(strstr(ep.description, "27:00"));
	assert_non_null(
	    strstr(ep.description, "\xf0\x9f\x8d\xbf Rawkode Live"));
	assert_non_null(strstr(ep.description, "T\xc3\xb5nis Tiigi"));
	episode_clear(&ep);
}

static void
test_folded_description_episode(void **state)
{
	const struct moment *m;
	struct episode ep;

	parse_corpus_file("rawkode-2025-11/shows/cloud-native-compass/2025/"
			  "java-for-serverless-functions.md",
			  &ep);
	assert_string_equal(ep.title, "Java for Serverless Functions");
	assert_int_equal(ep.chapter_count, 0);
	assert_int_equal(ep.moment_count, 8);
	assert_int_equal(ep.duration, 1777);

	m = find_moment(&ep, MOMENT_TIMELINE, 4 * 60 + 28);
	assert_non_null(m);
	assert_string_equal(m->text, "Java's Evolution and Modernization");
	assert_int_equal(m->end, 6 * 60 + 12);
	/* The last line starts after the video's duration has passed. */
	m = &ep.moments[ep.moment_count - 1];
	assert_int_equal(m->start, 29 * 60 + 44);
	assert_string_equal(m->text, "Conclusion and Final Thoughts");
	assert_int_equal(m->end, MOMENT_NO_TIME);

	assert_null(strstr(ep.description, "\\n"));
	assert_null(strstr(ep.description, "04:28"));
	assert_true(strlen(ep.description) > 100);
	assert_int_equal(ep.description[strlen(ep.description) - 1], '.');
	episode_clear(&ep);
}

static void
test_timeline_repeating_chapters(void **state)
{
	struct episode ep;

	/* "(01:42) - The Path to WebAssembly" and the rest are chapters too. */
	parse_corpus_file("rawkode-2025-11/shows/cloud-native-compass/2023/"
			  "server-side-webassembly.md",
			  &ep);
	assert_int_equal(ep.chapter_count, 22);
	assert_int_equal(ep.moment_count, 22);
	assert_null(strstr(ep.description, "(01:42)"));
	assert_null(strstr(ep.description, "Shameless"));
	assert_non_null(strstr(ep.description, "\n\nChapters"));
	episode_clear(&ep);
}

static void
test_unordered_timeline_episode(void **state)
{
	const struct moment *m;
	struct episode ep;

	/* Its description lists 22:05 before 11:09. */
	parse_corpus_file("rawkode-2025-11/shows/cloud-native-compass/2025/"
			  "atlantis-the-terraform-automation-powerhouse.md",
			  &ep);
	assert_int_equal(ep.moment_count, 6);
	m = &ep.moments[4];
	assert_int_equal(m->start, 11 * 60 + 9);
	assert_string_equal(m->text, "Future of Atlantis");
	assert_int_equal(m->end, 22 * 60 + 5);
	m = &ep.moments[5];
	assert_string_equal(m->text, "Security Aspects of Atlantis");
	assert_int_equal(m->end, 2371);
	episode_clear(&ep);
}

static void
test_hours_timeline_episode(void **state)
{
	const struct moment *m;
	struct episode ep;

	parse_corpus_file("rawkode-2025-11/standalone/2025/build-a-production-"
			  "ready-kubernetes-cluster-with-spectro-cloud-"
			  "palette-no-code-tutorial.md",
			  &ep);
	m = find_moment(&ep, MOMENT_TIMELINE, 54);
	assert_non_null(m);
	assert_string_equal(m->text,
			    "Building the Base Infrastructure Profile");
	assert_int_equal(m->end, 6 * 60 + 16);
	episode_clear(&ep);
}

static void
test_zero_duration_episode(void **state)
{
	struct episode ep;

	parse_corpus_file("rawkode-2025-11/shows/cloud-native-compass/2025/"
			  "platform-engineering-asking-why.md",
			  &ep);
	assert_string_equal(ep.title,
			    "Platform Engineering: Asking \"Why\"? with "
			    "Evelyn Osman");
	assert_int_equal(ep.duration, 0);
	assert_int_equal(ep.moment_count, 0);
	/* The HTML reference is decoded. */
	assert_non_null(strstr(ep.description, "I'll have Claude"));
	/* Its folded description opens more deeply indented. */
	assert_int_equal(strncmp(ep.description, "Today we had", 12), 0);
	episode_clear(&ep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rawkode_2025_11),
	    cmocka_unit_test(test_rawkode_2026_sample),
	    cmocka_unit_test(test_seed),
	    cmocka_unit_test(test_buildkit_episode),
	    cmocka_unit_test(test_folded_description_episode),
	    cmocka_unit_test(test_timeline_repeating_chapters),
	    cmocka_unit_test(test_unordered_timeline_episode),
	    cmocka_unit_test(test_hours_timeline_episode),
	    cmocka_unit_test(test_zero_duration_episode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
