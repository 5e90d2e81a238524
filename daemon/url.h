/*
 * url.h: the links a search answer carries. An operator's template such
 * as "https://example.org/watch/{slug}?t={start}" is filled in for every
 * hit and every moment: {slug} and {path} (the file, relative to the
 * content tree) URL-encoded, {start} in seconds (0 for a whole episode).
 * It builds strings; it does not decide which answers get them.
 */
#ifndef EPSEARCHD_URL_H
#define EPSEARCHD_URL_H

#include <stddef.h>

#include <jansson.h>

/*
 * Whether tpl uses only {slug}, {start} and {path}, each brace closed.
 * Returns 0, or -EINVAL with a reason written to why (size bytes).
 */
int url_template_check(const char *tpl, char *why, size_t size);

/*
 * Fills a checked template. Returns a new string (the caller frees it),
 * or NULL when out of memory.
 */
char *url_expand(const char *tpl, const char *slug, const char *path,
		 long start);

/*
 * Adds "url" to every hit ({start} 0) and every moment of a search
 * answer ({"hits": [{"slug", "path", "moments": [{"start"}]}]}). Returns 0
 * or -ENOMEM; the answer may then be partly filled.
 */
int url_fill(json_t *answer, const char *tpl);

#endif
