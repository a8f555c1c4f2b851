#include "lib/common.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"

json_t *jsonh_parse_object(const char *data, size_t len, struct sh_error *err)
{
	json_error_t jerr;
	json_t *v;

	if (len == 0) {
		sh_error_set(err, SH_EBADREQ,
			     "the request body is empty; a JSON object is required");
		return NULL;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		sh_error_set(err, SH_EBADREQ, "malformed JSON at line %d, column %d (byte %d): %s",
			     jerr.line, jerr.column, jerr.position, jerr.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		sh_error_set(err, SH_EBADREQ, "the request body must be a JSON object");
		return NULL;
	}
	return v;
}

size_t jsonh_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool has_control(const char *s, bool allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			continue;
		if (allow_newlines && (*p == '\n' || *p == '\t' || *p == '\r'))
			continue;
		return true;
	}
	return false;
}

static void check_string(const char *field, const char *s, const struct jsonh_field *f, bool text,
			 struct sh_error *err)
{
	size_t n = jsonh_utf8_len(s);

	if (has_control(s, text))
		sh_error_field(err, SH_EINVAL, field,
			       "contains invisible control characters: type it again without them");
	else if (f->min && n < (size_t)f->min)
		sh_error_field(err, SH_EINVAL, field,
			       "is too short: write at least %lld characters", f->min);
	else if (f->max && n > (size_t)f->max)
		sh_error_field(err, SH_EINVAL, field,
			       "is too long: shorten it to %lld characters or fewer", f->max);
}

static void check_value(const char *field, const json_t *v, const struct jsonh_field *f,
			struct sh_error *err)
{
	const char *s;
	int64_t t;
	struct sh_date d;

	switch (f->type) {
	case JT_STRING:
	case JT_TEXT:
		if (!json_is_string(v)) {
			sh_error_field(err, SH_EINVAL, field, "must be a string");
			return;
		}
		check_string(field, json_string_value(v), f, f->type == JT_TEXT, err);
		return;
	case JT_INT:
		if (!json_is_integer(v)) {
			sh_error_field(err, SH_EINVAL, field, "give a whole number");
			return;
		}
		if ((f->min || f->max) &&
		    (json_integer_value(v) < f->min || json_integer_value(v) > f->max))
			sh_error_field(err, SH_EINVAL, field,
				       "give a whole number from %lld to %lld", f->min, f->max);
		return;
	case JT_BOOL:
		if (!json_is_boolean(v))
			sh_error_field(err, SH_EINVAL, field, "must be true or false");
		return;
	case JT_TIME:
		if (!json_is_string(v) || timefmt_parse_rfc3339(json_string_value(v), &t))
			sh_error_field(
				err, SH_EINVAL, field,
				"give a date and time, such as 2026-03-01T02:15:00-08:00 (RFC 3339)");
		return;
	case JT_DATE:
		if (!json_is_string(v) || timefmt_parse_date(json_string_value(v), &d))
			sh_error_field(err, SH_EINVAL, field,
				       "give a calendar date, such as 2026-03-01 (YYYY-MM-DD)");
		return;
	case JT_ENUM:
		if (json_is_string(v)) {
			s = json_string_value(v);
			for (const char *const *e = f->values; *e; e++)
				if (!strcmp(*e, s))
					return;
		}
		{
			char list[400] = "";
			size_t used = 0;
			for (const char *const *e = f->values; *e && used < sizeof(list); e++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 e == f->values ? "" : ", ", *e);
			sh_error_field(err, SH_EINVAL, field, "choose one of: %s", list);
		}
		return;
	case JT_STRINGS: {
		size_t i;
		json_t *item;
		if (!json_is_array(v)) {
			sh_error_field(err, SH_EINVAL, field, "must be an array of strings");
			return;
		}
		if (json_array_size(v) > 64) {
			sh_error_field(err, SH_EINVAL, field, "must have at most 64 items");
			return;
		}
		json_array_foreach(v, i, item) {
			char name[128];
			snprintf(name, sizeof(name), "%s[%zu]", field, i);
			if (!json_is_string(item))
				sh_error_field(err, SH_EINVAL, name, "must be a string");
			else
				check_string(name, json_string_value(item), f, false, err);
		}
		return;
	}
	case JT_OBJECT:
		if (!json_is_object(v))
			sh_error_field(err, SH_EINVAL, field, "must be an object");
		return;
	case JT_ANY: return;
	}
}

enum sh_code jsonh_check(const json_t *obj, const struct jsonh_field *spec, const char *prefix,
			 struct sh_error *err)
{
	const char *key;
	json_t *v;
	char field[96];
	int before = err->nfields;

	json_object_foreach((json_t *)obj, key, v) {
		const struct jsonh_field *f = spec;
		while (f->name && strcmp(f->name, key))
			f++;
		snprintf(field, sizeof(field), "%s%s", prefix, key);
		if (!f->name) {
			sh_error_field(err, SH_EINVAL, field,
				       "this request takes no such field: leave it out");
			continue;
		}
		/* null is an answer only where a field says so (clearing a setting): a null
		 * birth date is not "unknown", it is a mistake, and is refused like any other */
		if (json_is_null(v)) {
			if (!(f->flags & JF_NULLABLE))
				sh_error_field(
					err, SH_EINVAL, field,
					(f->flags & JF_REQUIRED)
						? "is required and must not be null"
						: "must not be null: leave the field out when it is "
						  "not known");
			continue;
		}
		check_value(field, v, f, err);
	}
	for (const struct jsonh_field *f = spec; f->name; f++) {
		if ((f->flags & JF_REQUIRED) && !json_object_get(obj, f->name)) {
			snprintf(field, sizeof(field), "%s%s", prefix, f->name);
			sh_error_field(err, SH_EINVAL, field, "is required: fill it in");
		}
	}
	if (err->nfields > before) {
		err->code = SH_EINVAL;
		return SH_EINVAL;
	}
	return SH_OK;
}

const char *jsonh_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long jsonh_int(const json_t *obj, const char *key, long long dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

bool jsonh_bool(const json_t *obj, const char *key, bool dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	return buf_add(data, buffer, size) ? -1 : 0;
}

enum sh_code jsonh_dump(const json_t *v, struct buf *b)
{
	if (json_dump_callback(v, dump_cb, b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY))
		return SH_ENOMEM;
	return SH_OK;
}

void jsonh_set_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

void jsonh_set_time(json_t *obj, const char *key, int64_t t, bool null_if_zero)
{
	char ts[TIMEFMT_RFC3339_LEN];

	if (null_if_zero && t == 0) {
		json_object_set_new(obj, key, json_null());
		return;
	}
	timefmt_format_rfc3339(t, ts);
	json_object_set_new(obj, key, json_string(ts));
}
