/*
 * frontmatter.h: reads the YAML front matter of one episode file into a
 * struct episode. It sees bytes, not files: reading them is the caller's.
 */
#ifndef EPSEARCH_FRONTMATTER_H
#define EPSEARCH_FRONTMATTER_H

#include <stddef.h>

#include "episode.h"

#define PARSE_MESSAGE_MAX 256

/* Why a file could not be used: a 1-based line (0 if none) and a reason. */
struct parse_error {
	int line;
	char message[PARSE_MESSAGE_MAX];
};

/*
 * Parses the n bytes at buf. The front matter exists only when buf starts
 * with a line "---" and ends at the next line that is exactly "---".
 * default_slug names the episode when the file has no slug. Returns 0 and
 * fills ep (the caller clears it), or -EINVAL with err filled and ep
 * cleared, or -ENOMEM.
 */
int frontmatter_parse(const char *buf, size_t n, const char *default_slug,
		      struct episode *ep, struct parse_error *err);

#endif
