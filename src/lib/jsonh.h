#ifndef SH_JSONH_H
#define SH_JSONH_H
/*
 * JSON helpers on jansson: strict parsing with the error position, and validation of
 * a request object against a field table (type, required, length, range, enum,
 * unknown fields). Every rejection names its field.
 */
#include <jansson.h>
#include <stdbool.h>
#include "lib/buf.h"
#include "lib/error.h"

enum jsonh_type {
	JT_STRING, /* one line of text: no control characters */
	JT_TEXT,   /* free text: newlines and tabs allowed */
	JT_INT,
	JT_BOOL,
	JT_TIME,    /* RFC 3339 timestamp */
	JT_DATE,    /* YYYY-MM-DD */
	JT_ENUM,    /* a string from `values` */
	JT_STRINGS, /* array of one-line strings; max = most items, maxlen per item */
	JT_OBJECT,  /* checked by the caller */
	JT_ANY,
};

#define JF_REQUIRED 1u
#define JF_NULLABLE 2u

struct jsonh_field {
	const char *name;
	enum jsonh_type type;
	unsigned flags;
	long long min, max; /* JT_INT range; strings: min/max length in characters (0 = none) */
	const char *const *values; /* JT_ENUM: NULL-terminated list */
};

/* Parses an object. On error: SH_EBADREQ with the line, column and byte of the fault. */
json_t *jsonh_parse_object(const char *data, size_t len, struct sh_error *err);

/*
 * Checks obj against spec (terminated by a row with name NULL). prefix names the
 * object in messages ("youth." for a nested one, "" at the top). Collects every
 * problem into err; returns SH_OK or SH_EINVAL.
 */
enum sh_code jsonh_check(const json_t *obj, const struct jsonh_field *spec, const char *prefix,
			 struct sh_error *err);

/* Lookups that return NULL / the default when the key is absent or null. */
const char *jsonh_str(const json_t *obj, const char *key);
long long jsonh_int(const json_t *obj, const char *key, long long dflt);
bool jsonh_bool(const json_t *obj, const char *key, bool dflt);

/* Serialises compactly with sorted keys (stable output) and appends to b. */
enum sh_code jsonh_dump(const json_t *v, struct buf *b);
/* Sets key to a string, or to null when s is NULL. */
void jsonh_set_str(json_t *obj, const char *key, const char *s);
/* Sets key to an RFC 3339 time, or to null when t == 0 and null_if_zero. */
void jsonh_set_time(json_t *obj, const char *key, int64_t t, bool null_if_zero);

size_t jsonh_utf8_len(const char *s);

#endif
