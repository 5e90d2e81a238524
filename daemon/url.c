/*
 * url.c: checks and fills URL templates; see url.h. Placeholders are
 * matched by name between braces; there is no escaping of braces, since
 * neither may stand bare in a URL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

static const char *const url_placeholders[] = {"slug", "start", "path"};

#define URL_PLACEHOLDER_COUNT 3

/* Index of the placeholder name of length n at s, or -1. */
static int
url_placeholder(const char *s, size_t n)
{
	int i;

	for (i = 0; i < URL_PLACEHOLDER_COUNT; i++)
		if (strlen(url_placeholders[i]) == n &&
		    memcmp(s, url_placeholders[i], n) == 0)
			return i;
	return -1;
}

int
url_template_check(const char *tpl, char *why, size_t size)
{
	const char *p, *close;

	for (p = tpl; *p; p++) {
		if (*p == '}') {
			snprintf(why, size, "a '}' without its '{'");
			return -EINVAL;
		}
		if (*p != '{')
			continue;
		close = strchr(p, '}');
		if (close == NULL) {
			snprintf(why, size, "a '{' without its '}'");
			return -EINVAL;
		}
		if (url_placeholder(p + 1, (size_t)(close - p - 1)) < 0) {
			snprintf(why, size,
				 "unknown placeholder %.*s; use {slug}, "
				 "{start} or {path}",
				 (int)(close - p + 1), p);
			return -EINVAL;
		}
		p = close;
	}
	return 0;
}

/* Writes s percent-encoded; keep_slash leaves '/' as it is (for paths). */
static void
url_encode(FILE *out, const char *s, int keep_slash)
{
	static const char unreserved[] = "-._~";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(unreserved, *p) ||
		    (keep_slash && *p == '/'))
			fputc(*p, out);
		else
			fprintf(out, "%%%02X", *p);
	}
}

char *
url_expand(const char *tpl, const char *slug, const char *path, long start)
{
	const char *p = tpl, *close;
	char *url = NULL;
	size_t len;
	FILE *out = open_memstream(&url, &len);

	if (out == NULL)
		return NULL;
	for (; *p; p++) {
		close = *p == '{' ? strchr(p, '}') : NULL;
		switch (close ? url_placeholder(p + 1, (size_t)(close - p - 1))
			      : -1) {
		case 0:
			url_encode(out, slug, 0);
			break;
		case 1:
			fprintf(out, "%ld", start);
			break;
		case 2:
			url_encode(out, path, 1);
			break;
		default:
			fputc(*p, out);
			continue;
		}
		p = close;
	}
	if (fclose(out) != 0) {
		free(url);
		return NULL;
	}
	return url;
}

/* Sets obj.url to the filled template; 0 or -ENOMEM. */
static int
url_set(json_t *obj, const char *tpl, const char *slug, const char *path,
	long start)
{
	char *url = url_expand(tpl, slug, path, start);
	int rc;

	if (url == NULL)
		return -ENOMEM;
	rc = json_object_set_new(obj, "url", json_string(url));
	free(url);
	return rc == 0 ? 0 : -ENOMEM;
}

int
url_fill(json_t *answer, const char *tpl)
{
	const char *slug, *path;
	json_t *hit, *moment;
	size_t i, j;

	json_array_foreach(json_object_get(answer, "hits"), i, hit)
	{
		slug = json_string_value(json_object_get(hit, "slug"));
		path = json_string_value(json_object_get(hit, "path"));
		slug = slug ? slug : "";
		path = path ? path : "";
		if (url_set(hit, tpl, slug, path, 0) != 0)
			return -ENOMEM;
		json_array_foreach(json_object_get(hit, "moments"), j, moment)
		{
			/* A whole-episode moment has a null start: 0. */
			json_int_t start = json_integer_value(
			    json_object_get(moment, "start"));

			if (url_set(moment, tpl, slug, path, (long)start) != 0)
				return -ENOMEM;
		}
	}
	return 0;
}
