/*
 * text.c: makes text uniform before it is indexed: valid UTF-8, NFC,
 * control characters as spaces, and (for fields that came from HTML) the
 * common character references decoded. It does not know about fields or
 * files; the callers decide which text needs which step.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text.h"

size_t
text_utf8_valid_prefix(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	size_t i = 0;

	while (i < n) {
		utf8proc_ssize_t len;

		if (p[i] < 0x80) {
			i++;
			continue;
		}
		len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0)
			return i;
		i += (size_t)len;
	}
	return n;
}

/*
 * Copies the n valid UTF-8 bytes at s into a new string with every control
 * character but newline and tab replaced by one space. Sets *ascii when no
 * byte of the copy is above 0x7f. Returns NULL when memory ran out.
 */
static char *
text_replace_controls(const char *s, size_t n, int *ascii)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	char *out, *w;
	size_t i = 0;

	out = w = malloc(n + 1);
	if (out == NULL)
		return NULL;
	*ascii = 1;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;

		len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (cp != '\n' && cp != '\t' &&
		    utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
			*w++ = ' ';
		else {
			memcpy(w, s + i, (size_t)len);
			w += len;
			if (cp >= 0x80)
				*ascii = 0;
		}
		i += (size_t)len;
	}
	*w = '\0';
	return out;
}

char *
text_normalize(const char *s, size_t n, size_t *bad_offset)
{
	utf8proc_uint8_t *nfc;
	size_t valid;
	char *plain;
	int ascii;

	valid = text_utf8_valid_prefix(s, n);
	if (bad_offset != NULL)
		*bad_offset = valid;
	if (valid < n)
		return NULL;

	plain = text_replace_controls(s, n, &ascii);
	if (plain == NULL || ascii)
		return plain;

	/* ASCII is NFC already; anything else goes through utf8proc. */
	if (utf8proc_map((const utf8proc_uint8_t *)plain,
			 (utf8proc_ssize_t)strlen(plain), &nfc,
			 UTF8PROC_STABLE | UTF8PROC_COMPOSE) < 0)
		nfc = NULL;
	free(plain);
	return (char *)nfc;
}

/*
 * Returns the length of the white space character at s (ASCII white
 * space, a Unicode space separator such as U+00A0 or U+200A, or a line or
 * paragraph separator), or 0 when s holds something else.
 */
static size_t
text_space_at(const char *s)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t len;

	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if ((unsigned char)*s < 0x80)
		return 0;
	len = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
	if (len <= 0)
		return 0;
	if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == 0x2028 ||
	    cp == 0x2029)
		return (size_t)len;
	return 0;
}

char *
text_squeeze(char *s)
{
	char *r = s, *w = s;
	int pending = 0;
	size_t len;

	while (*r != '\0') {
		len = text_space_at(r);
		if (len > 0) {
			pending = w != s;
			r += len;
			continue;
		}
		if (pending)
			*w++ = ' ';
		pending = 0;
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

char *
text_trim(char *s)
{
	char *start = s, *end, *r;
	size_t len;

	while ((len = text_space_at(start)) > 0)
		start += len;
	for (r = end = start; *r != '\0';) {
		len = text_space_at(r);
		if (len > 0) {
			r += len;
			continue;
		}
		end = ++r;
	}
	memmove(s, start, (size_t)(end - start));
	s[end - start] = '\0';
	return s;
}

/* The named references text_decode_entities knows. */
static const struct {
	const char *name; /* between '&' and ';' */
	char value;
} text_named_entities[] = {
    {"amp", '&'},  {"lt", '<'},	   {"gt", '>'},
    {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '},
};

/*
 * Reads the numeric reference "#NN" or "#xNN" of len bytes at s. Returns
 * the code point, or -1 when it is malformed or names no character that
 * text may hold (NUL, a surrogate, beyond U+10FFFF).
 */
static long
text_numeric_entity(const char *s, size_t len)
{
	int base = 10;
	size_t i = 1;
	long cp = 0;

	if (len > 1 && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len || len - i > 7)
		return -1;
	for (; i < len; i++) {
		char c = s[i];
		int digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return -1;
		cp = cp * base + digit;
	}
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

/*
 * Decodes the reference whose name (without '&' and ';') is the len bytes
 * at s into out, which has room for 4 bytes. Returns the bytes written, or
 * 0 when the reference is unknown.
 */
static size_t
text_decode_entity(const char *s, size_t len, char *out)
{
	size_t i;
	long cp;

	for (i = 0;
	     i < sizeof(text_named_entities) / sizeof(text_named_entities[0]);
	     i++) {
		const char *name = text_named_entities[i].name;

		if (strlen(name) == len && memcmp(name, s, len) == 0) {
			out[0] = text_named_entities[i].value;
			return 1;
		}
	}
	if (len == 0 || s[0] != '#')
		return 0;
	cp = text_numeric_entity(s, len);
	if (cp < 0)
		return 0;
	return (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
					    (utf8proc_uint8_t *)out);
}

size_t
text_decode_entities(char *s, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n) {
		const char *semi;
		size_t len, got;
		char utf8[4];

		if (s[r] != '&') {
			s[w++] = s[r++];
			continue;
		}
		/* The longest known reference is "#x10FFFF" or "#1114111". */
		len = n - r - 1 < 9 ? n - r - 1 : 9;
		semi = memchr(s + r + 1, ';', len);
		got = semi == NULL
			  ? 0
			  : text_decode_entity(
				s + r + 1, (size_t)(semi - s - r - 1), utf8);
		if (got == 0) {
			s[w++] = s[r++];
			continue;
		}
		/* A reference is never shorter than what it stands for. */
		memcpy(s + w, utf8, got);
		w += got;
		r = (size_t)(semi - s) + 1;
	}
	if (w < n)
		s[w] = '\0';
	return w;
}
