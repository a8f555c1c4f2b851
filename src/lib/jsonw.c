#include "lib/common.h"
#include "lib/jsonw.h"
#include "lib/timefmt.h"

static void fail(struct jsonw *w, const char *why)
{
	if (!w->failed) {
		w->failed = true;
		w->why = why;
	}
}

static void add(struct jsonw *w, const char *s, size_t n)
{
	struct buf *b = w->out;

	/* most appends are a few bytes into room already there: skip buf_add's checks */
	if (b->cap && b->cap - b->len > n) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (!w->failed && buf_add(b, s, n))
		fail(w, "out of memory");
}

static void addch(struct jsonw *w, char c)
{
	add(w, &c, 1);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid (as jansson). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* A byte written as it is in a JSON string (jansson escapes the rest, or checks UTF-8). */
static inline bool plain_byte(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x60 && c != '"' && c != '\\';
}

/* The length of the run of plain bytes at s (n bytes): eight at a time while none of the
 * eight is a control, '"', '\\' or beyond ASCII (the tests for a zero byte of "Bit
 * Twiddling Hacks": a borrow can only mark a byte after one that truly matches), then
 * one at a time. */
static inline size_t plain_run(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t v, q, bs;
		memcpy(&v, s + i, 8);
		q = v ^ (ones * '"');
		bs = v ^ (ones * '\\');
		if ((((v - ones * 0x20) | v) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high)
			break;
	}
	while (i < n && plain_byte(s[i]))
		i++;
	return i;
}

/* A string in quotes with jansson's escapes: \" \\ \b \f \n \r \t, other controls \u00XX. */
static void add_string(struct jsonw *w, const char *str, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *end = s + n;
	struct buf *b = w->out;
	char *o;

	if (w->failed)
		return;
	/* room for the worst case (every byte a \u00XX escape), then no more checks */
	if (b->cap - b->len <= 6 * n + 2 && buf_grow(b, 6 * n + 2)) {
		fail(w, "out of memory");
		return;
	}
	o = b->data + b->len;
	*o++ = '"';
	while (s < end) {
		/* most strings are plain ASCII: copied a run at a time */
		size_t run = plain_run(s, (size_t)(end - s));
		unsigned char c;

		memcpy(o, s, run);
		o += run;
		s += run;
		if (s == end)
			break;
		c = *s;
		if (c >= 0x80) {
			size_t l = utf8_len(s, (size_t)(end - s));
			if (!l) {
				b->data[b->len] = '\0'; /* nothing of this string is kept */
				fail(w, "a string is not valid UTF-8");
				return;
			}
			memcpy(o, s, l);
			o += l;
			s += l;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
		s++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

static void before_value(struct jsonw *w)
{
	if (w->depth == 0) {
		if (w->top_written)
			fail(w, "more than one top-level value");
		w->top_written = true;
		return;
	}
	if (w->level[w->depth - 1].is_object) {
		if (!w->level[w->depth - 1].want_value)
			fail(w, "a member without a key");
		w->level[w->depth - 1].want_value = false;
		return;
	}
	if (!w->level[w->depth - 1].first)
		addch(w, ',');
	w->level[w->depth - 1].first = false;
}

void jsonw_init(struct jsonw *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	/* room for a typical answer up front (a case is 4 to 5 KB); if this fails, the
	 * appends that need the room fail and say so */
	buf_grow(out, 8192);
}

static void open_level(struct jsonw *w, bool is_object)
{
	before_value(w);
	if (w->depth == JSONW_MAX_DEPTH) {
		fail(w, "nested too deeply");
		return;
	}
	w->level[w->depth].is_object = is_object;
	w->level[w->depth].first = true;
	w->level[w->depth].want_value = false;
	w->level[w->depth].last_key = NULL;
	w->depth++;
	addch(w, is_object ? '{' : '[');
}

void jsonw_object(struct jsonw *w)
{
	open_level(w, true);
}

void jsonw_array(struct jsonw *w)
{
	open_level(w, false);
}

void jsonw_end(struct jsonw *w)
{
	if (w->depth == 0) {
		fail(w, "an end without a beginning");
		return;
	}
	w->depth--;
	if (w->level[w->depth].want_value)
		fail(w, "a key without a value");
	addch(w, w->level[w->depth].is_object ? '}' : ']');
}

void jsonw_key(struct jsonw *w, const char *k)
{
	struct buf *b = w->out;
	size_t n = strlen(k);

	if (w->depth == 0 || !w->level[w->depth - 1].is_object) {
		fail(w, "a key outside an object");
		return;
	}
	if (w->level[w->depth - 1].want_value)
		fail(w, "two keys in a row");
#ifdef SH_JSONW_CHECK_ORDER
	/* the order jsonh_dump() writes (JSON_SORT_KEYS), so both make the same bytes. Checked
	 * in the builds the tests run (every view, every role, in tests/api): a key out of
	 * order is a test failure there, never a 500 in production */
	if (w->level[w->depth - 1].last_key && strcmp(w->level[w->depth - 1].last_key, k) >= 0)
		fail(w, "object keys out of byte order (or repeated)");
#endif
	if (!w->failed && b->cap && b->cap - b->len > n + 4 &&
	    plain_run((const unsigned char *)k, n) == n) {
		/* a key as the views write them (a literal: nothing to escape), in one go:
		 * [,]"key": */
		char *o = b->data + b->len;
		if (!w->level[w->depth - 1].first)
			*o++ = ',';
		*o++ = '"';
		memcpy(o, k, n);
		o += n;
		*o++ = '"';
		*o++ = ':';
		*o = '\0';
		b->len = (size_t)(o - b->data);
	} else {
		if (!w->level[w->depth - 1].first)
			addch(w, ',');
		add_string(w, k, n);
		addch(w, ':');
	}
	w->level[w->depth - 1].first = false;
	w->level[w->depth - 1].last_key = k;
	w->level[w->depth - 1].want_value = true;
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	before_value(w);
	add_string(w, s, strlen(s));
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char tmp[BUF_INT_TEXT_MAX];

	before_value(w);
	add(w, tmp, buf_int_text(v, tmp));
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before_value(w);
	if (v)
		add(w, "true", 4);
	else
		add(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	before_value(w);
	add(w, "null", 4);
}

void jsonw_time(struct jsonw *w, int64_t t, bool null_if_zero)
{
	char ts[TIMEFMT_RFC3339_LEN + 2];

	if (null_if_zero && t == 0) {
		jsonw_null(w);
		return;
	}
	before_value(w);
	ts[0] = '"';
	timefmt_format_rfc3339(t, ts + 1);
	add(w, ts, strlen(ts));
	addch(w, '"');
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void jsonw_value(struct jsonw *w, const json_t *v)
{
	if (!v) {
		jsonw_null(w);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = n ? malloc(n * sizeof(*keys)) : NULL;
		const char *k;
		json_t *m;

		if (n && !keys) {
			fail(w, "out of memory");
			return;
		}
		json_object_foreach((json_t *)v, k, m)
			keys[i++] = k;
		if (n)
			qsort(keys, n, sizeof(*keys), cmp_keys);
		jsonw_object(w);
		for (i = 0; i < n; i++) {
			jsonw_key(w, keys[i]);
			jsonw_value(w, json_object_get(v, keys[i]));
		}
		jsonw_end(w);
		free(keys);
		return;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *m;

		jsonw_array(w);
		json_array_foreach((json_t *)v, i, m)
			jsonw_value(w, m);
		jsonw_end(w);
		return;
	}
	case JSON_STRING:
		before_value(w);
		add_string(w, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER: jsonw_int(w, json_integer_value(v)); return;
	case JSON_TRUE:
	case JSON_FALSE: jsonw_bool(w, json_is_true(v)); return;
	case JSON_REAL: {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s) {
			fail(w, "out of memory");
			return;
		}
		before_value(w);
		add(w, s, strlen(s));
		free(s);
		return;
	}
	default: jsonw_null(w);
	}
}

enum sh_code jsonw_finish(struct jsonw *w, struct sh_error *err)
{
	if (!w->failed && w->depth)
		fail(w, "an object or array was not closed");
	if (!w->failed && !w->top_written)
		fail(w, "nothing was written");
	if (!w->failed)
		return SH_OK;
	if (!strcmp(w->why, "out of memory"))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	return sh_error_set(err, SH_EINTERNAL, "the answer could not be written as JSON: %s",
			    w->why);
}
