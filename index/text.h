/*
 * text.h: the one place text is made uniform before it is indexed or
 * searched: valid UTF-8, Unicode NFC, no control characters.
 */
#ifndef EPSEARCH_TEXT_H
#define EPSEARCH_TEXT_H

#include <stddef.h>

/*
 * Returns a new NFC copy of the n bytes at s with CR, NUL and other
 * control characters except newline and tab turned into spaces, or NULL
 * when s is not valid UTF-8 (then *bad_offset, if given, is where it
 * breaks, and n otherwise) or memory ran out. The caller frees the result.
 */
char *text_normalize(const char *s, size_t n, size_t *bad_offset);

/* Returns the byte offset of the first invalid UTF-8 sequence, or n. */
size_t text_utf8_valid_prefix(const char *s, size_t n);

/*
 * Decodes the character references &amp; &lt; &gt; &quot; &apos; &nbsp;
 * (as a plain space), &#NN; and &#xNN; among the n bytes at s, in place;
 * others stay as they are. Returns the new length, and terminates s there
 * when it shrank. Run it before text_normalize(): a reference may stand for
 * a control character.
 */
size_t text_decode_entities(char *s, size_t n);

/*
 * Collapses runs of white space (ASCII, and Unicode spaces such as U+00A0)
 * to one ASCII space and trims both ends, in place. Returns s.
 */
char *text_squeeze(char *s);

/* Drops the white space at both ends of s, in place. Returns s. */
char *text_trim(char *s);

#endif
