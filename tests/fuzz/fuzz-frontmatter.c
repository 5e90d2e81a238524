/*
 * fuzz-frontmatter.c: frontmatter_parse on arbitrary bytes, as if they
 * were an episode file. Besides the sanitizers' faults it checks the
 * parser's contract: 0 gives an episode with every string set and a
 * title; -EINVAL gives a reason; nothing else but -ENOMEM comes back.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "frontmatter.h"

/* Every string of a parsed episode is set, and its moments are sane. */
static void
episode_check(const struct episode *ep)
{
	size_t i;

	FUZZ_ASSERT(ep->slug && ep->title && ep->description && ep->show &&
		    ep->published);
	FUZZ_ASSERT(ep->title[0] != '\0');
	FUZZ_ASSERT(ep->chapter_count <= ep->moment_count);
	for (i = 0; i < ep->moment_count; i++)
		FUZZ_ASSERT(ep->moments[i].text != NULL);
	for (i = 0; i < ep->technology_count; i++)
		FUZZ_ASSERT(ep->technologies[i] != NULL);
	for (i = 0; i < ep->guest_count; i++)
		FUZZ_ASSERT(ep->guests[i] != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct episode ep;
	struct parse_error err;
	int rc;

	memset(&ep, 0, sizeof(ep));
	memset(&err, 0, sizeof(err));
	rc = frontmatter_parse((const char *)data, size, "fuzz-slug", &ep,
			       &err);
	if (rc == 0)
		episode_check(&ep);
	else if (rc == -EINVAL)
		FUZZ_ASSERT(err.message[0] != '\0' && err.line >= 0 &&
			    memchr(err.message, '\0', sizeof(err.message)));
	else
		FUZZ_ASSERT(rc == -ENOMEM);
	episode_clear(&ep);
	return 0;
}
