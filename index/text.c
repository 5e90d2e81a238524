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

/* A growing NUL-terminated string: len bytes used of capacity. */
struct text_buffer {
	char *s;
	size_t len, capacity;
};

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

/* Whether c is a control character that text_normalize() blanks. */
static int
text_is_ascii_control(unsigned char c)
{
	return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

/*
 * Returns how many of the n bytes at s are printable ASCII or newline or
 * tab, before any other byte: the text text_normalize() copies unchanged.
 */
static size_t
text_printable_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((p[i] < 0x20 || p[i] >= 0x7f) && p[i] != '\n' &&
		    p[i] != '\t')
			break;
	}
	return i;
}

/*
 * Copies the n bytes at s into a new string with every control character
 * but newline and tab replaced by one space. Sets *ascii when no byte of
 * the copy is above 0x7f. Returns NULL when s is not valid UTF-8 (with
 * *bad_offset set where it breaks) or memory ran out (*bad_offset is n).
 */
static char *
text_replace_controls(const char *s, size_t n, int *ascii, size_t *bad_offset)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	char *out = malloc(n + 1), *w = out;
	size_t i = text_printable_prefix(s, n);

	*bad_offset = n;
	if (out == NULL)
		return NULL;
	*ascii = 1;
	memcpy(w, s, i);
	w += i;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;

		if (p[i] < 0x80) {
			*w++ = text_is_ascii_control(p[i]) ? ' ' : s[i];
			i++;
			continue;
		}
		len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0) {
			*bad_offset = i;
			free(out);
			return NULL;
		}
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC) {
			*w++ = ' ';
		} else {
			memcpy(w, s + i, (size_t)len);
			w += len;
			*ascii = 0;
		}
		i += (size_t)len;
	}
	*w = '\0';
	return out;
}

/* Appends the n bytes at s to the string buffer *buf. 0 or -ENOMEM. */
static int
text_append(struct text_buffer *buf, const char *s, size_t n)
{
	size_t capacity = buf->capacity;
	char *bigger;

	while (buf->len + n >= capacity)
		capacity = capacity > 0 ? 2 * capacity : 64;
	if (capacity > buf->capacity) {
		bigger = realloc(buf->s, capacity);
		if (bigger == NULL)
			return -ENOMEM;
		buf->s = bigger;
		buf->capacity = capacity;
	}
	memcpy(buf->s + buf->len, s, n);
	buf->len += n;
	buf->s[buf->len] = '\0';
	return 0;
}

/* Appends the NFC form of the n bytes of valid UTF-8 at s to buf. */
static int
text_append_nfc(struct text_buffer *buf, const char *s, size_t n)
{
	utf8proc_uint8_t *nfc;
	utf8proc_ssize_t len;
	int rc;

	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
			   &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (len < 0)
		return -ENOMEM;
	rc = text_append(buf, (const char *)nfc, (size_t)len);
	free(nfc);
	return rc;
}

/*
 * Returns a new NFC copy of the n bytes of valid UTF-8 at s, or NULL when
 * memory ran out. NFC leaves an ASCII character as it is and never joins
 * it to the character before it, so the text can be cut before any ASCII
 * character and each piece normalized alone: only the runs of non-ASCII
 * characters, each with the ASCII character before it (an "e" may take a
 * combining accent), go through utf8proc.
 */
static char *
text_compose(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct text_buffer buf = {NULL, 0, 0};
	size_t i = 0, start, end;
	int rc = text_append(&buf, "", 0);

	while (i < n && rc == 0) {
		for (start = i; i < n && p[i] < 0x80;)
			i++;
		for (end = i; end < n && p[end] >= 0x80;)
			end++;
		/* The ASCII character before a run goes with it. */
		if (end > i && i > start)
			i--;
		rc = text_append(&buf, s + start, i - start);
		if (rc == 0 && end > i)
			rc = text_append_nfc(&buf, s + i, end - i);
		i = end;
	}
	if (rc < 0) {
		free(buf.s);
		return NULL;
	}
	return buf.s;
}

char *
text_normalize(const char *s, size_t n, size_t *bad_offset)
{
	char *plain, *nfc;
	size_t bad;
	int ascii;

	plain = text_replace_controls(s, n, &ascii, &bad);
	if (bad_offset != NULL)
		*bad_offset = bad;
	if (plain == NULL || ascii)
		return plain;
	nfc = text_compose(plain, strlen(plain));
	free(plain);
	return nfc;
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

/* Returns where the text at s ends once white space at its end is cut. */
static char *
text_content_end(char *s)
{
	char *end = s + strlen(s), *r;
	size_t len;

	/* An ASCII byte is a whole character, so ASCII is judged backwards. */
	while (end > s && (unsigned char)end[-1] < 0x80 &&
	       text_space_at(end - 1) > 0)
		end--;
	if (end == s || (unsigned char)end[-1] < 0x80)
		return end;
	for (r = end = s; *r != '\0';) {
		len = text_space_at(r);
		if (len > 0) {
			r += len;
			continue;
		}
		end = ++r;
	}
	return end;
}

char *
text_trim(char *s)
{
	char *start = s, *end;
	size_t len;

	while ((len = text_space_at(start)) > 0)
		start += len;
	end = text_content_end(start);
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
	const char *amp = memchr(s, '&', n);
	size_t r, w;

	/* Nothing moves before the first '&'. */
	if (amp == NULL)
		return n;
	r = w = (size_t)(amp - s);
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
