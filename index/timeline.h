/*
 * timeline.h: finds the timestamped lines many descriptions carry
 * ("00:50 - Introductions", "1:04:00 Bake with HCL") and turns them into
 * moments. Lines end at a newline or at the two characters backslash-n,
 * which folded YAML descriptions keep literally.
 */
#ifndef EPSEARCH_TIMELINE_H
#define EPSEARCH_TIMELINE_H

#include "episode.h"

/*
 * Adds one MOMENT_TIMELINE moment to ep for each timeline line of
 * description, and sets ep->description to the description without those
 * lines (literal backslash-n turned into newlines, white space at both ends
 * trimmed). The moments' ends stay MOMENT_NO_TIME. Returns 0 or -ENOMEM.
 */
int timeline_extract(struct episode *ep, const char *description);

#endif
