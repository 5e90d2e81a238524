/*
 * test-config.c: the settings file config_load() accepts, the ones it
 * refuses (with file, line and key in the message, and nothing kept), and
 * how URL templates are checked and filled.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"
#include "url.h"

static char config_path[] = "/tmp/test-config.XXXXXX";

/* Writes text to the scratch file and loads it. */
static int
load(const char *text, struct config *c, char **errmsg)
{
	FILE *f = fopen(config_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	*errmsg = NULL;
	return config_load(config_path, 1, c, errmsg);
}

static void
test_all_keys(void **state)
{
	struct config c;
	char *why;

	setenv("HOME", "/home/zoe", 1);
	assert_int_equal(load("# settings\n"
			      "content: ~/videos\n"
			      "socket: /run/user/1/e.sock\n"
			      "db: '/var/tmp/i.sqlite3'\n"
			      "log_level: debug\n"
			      "url_template: https://x.org/{slug}?t={start}\n",
			      &c, &why),
			 0);
	assert_string_equal(c.content, "/home/zoe/videos");
	assert_string_equal(c.socket, "/run/user/1/e.sock");
	assert_string_equal(c.db, "/var/tmp/i.sqlite3");
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_string_equal(c.url_template, "https://x.org/{slug}?t={start}");
	config_clear(&c);
}

static void
test_empty_and_missing(void **state)
{
	struct config c;
	char *why;

	assert_int_equal(load("", &c, &why), 0);
	assert_null(c.content);
	assert_int_equal(c.log_level, -1);
	assert_int_equal(load("# only a comment\n", &c, &why), 0);
	assert_int_equal(config_load("/nonexistent/config.yaml", 0, &c, &why),
			 0);
	assert_int_equal(config_load("/nonexistent/config.yaml", 1, &c, &why),
			 -ENOENT);
	assert_non_null(strstr(why, "/nonexistent/config.yaml: cannot read"));
	free(why);
}

struct refusal {
	const char *text;
	const char *message; /* after "path:" */
};

static void
test_refusals(void **state)
{
	static const struct refusal cases[] = {
	    {"content: /a\ncolour: blue\n", "2: colour: unknown key"},
	    {"db: /a\ndb: /b\n", "2: db: given twice"},
	    {"content: videos\n", "1: content: expected an absolute path"},
	    {"content:\n", "1: content: expected a value"},
	    {"content:\n  - /a\n", "2: content: expected a single value"},
	    {"log_level: loud\n", "1: log_level: expected error, warning"},
	    {"url_template: 'x/{slug}/{id}'\n",
	     "1: url_template: unknown placeholder {id}"},
	    {"- content\n", "1: expected keys such as content:"},
	    {"content: /a\n---\ndb: /b\n", "2: expected one document"},
	    {"content: /a\n  db: /b\n", "2: mapping values are not allowed"},
	};
	struct config c;
	char *why, want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(load(cases[i].text, &c, &why), -EINVAL);
		snprintf(want, sizeof(want), "%s:%s", config_path,
			 cases[i].message);
		assert_non_null(why);
		print_message("  %s\n", why);
		assert_memory_equal(why, want, strlen(want));
		assert_null(c.content);
		assert_null(c.db);
		free(why);
	}
}

static void
test_template_check(void **state)
{
	char why[128];

	assert_int_equal(
	    url_template_check("https://x/{slug}?t={start}", why, sizeof(why)),
	    0);
	assert_int_equal(url_template_check("/{path}", why, sizeof(why)), 0);
	assert_int_equal(url_template_check("plain", why, sizeof(why)), 0);
	assert_int_equal(url_template_check("x{slug", why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "a '{' without its '}'");
	assert_int_equal(url_template_check("x}", why, sizeof(why)), -EINVAL);
	assert_int_equal(url_template_check("{}", why, sizeof(why)), -EINVAL);
	assert_int_equal(url_template_check("{Slug}", why, sizeof(why)),
			 -EINVAL);
}

static void
test_expand(void **state)
{
	char *url = url_expand("https://x.org/w/{slug}?t={start}&f={path}",
			       "caf\xc3\xa9 & co", "shows/a b/ep.md", 1620);

	assert_string_equal(url, "https://x.org/w/caf%C3%A9%20%26%20co?t=1620"
				 "&f=shows/a%20b/ep.md");
	free(url);
}

static void
test_fill(void **state)
{
	json_t *answer = json_pack("{s:[{s:s, s:s, s:[{s:i}, {s:n}]}]}", "hits",
				   "slug", "ep", "path", "a/ep.md", "moments",
				   "start", 1620, "start");
	json_t *hit;

	assert_int_equal(url_fill(answer, "/w/{slug}?t={start}"), 0);
	hit = json_array_get(json_object_get(answer, "hits"), 0);
	assert_string_equal(json_string_value(json_object_get(hit, "url")),
			    "/w/ep?t=0");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(hit, "moments"), 0), "url")),
	    "/w/ep?t=1620");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(hit, "moments"), 1), "url")),
	    "/w/ep?t=0");
	json_decref(answer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_keys),
	    cmocka_unit_test(test_empty_and_missing),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_template_check),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_fill),
	};
	int fd = mkstemp(config_path), rc;

	if (fd < 0)
		return 1;
	close(fd);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(config_path);
	return rc;
}
