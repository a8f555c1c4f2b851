#ifndef SH_JSONW_H
#define SH_JSONW_H
/*
 * A streaming JSON writer for the hot answers (the case view): values go straight
 * into a struct buf, with no tree of jansson values to build, dump and free. The
 * output is byte for byte what jsonh_dump() makes of the same data (compact, keys in
 * byte order, jansson's string escapes), so a handler can switch without changing
 * its answer. The caller writes each object's keys in byte order (strcmp). An unbalanced
 * object or a failed allocation makes jsonw_finish() fail; so does a key out of order in
 * the test builds (SH_JSONW_CHECK_ORDER: ASan, TSan, the request fuzzers), where the API
 * suite renders every view for every role, while a release build writes the keys as given.
 *
 *   struct jsonw w;
 *   jsonw_init(&w, &res->body);
 *   jsonw_object(&w);
 *   jsonw_kstr(&w, "id", id);
 *   jsonw_key(&w, "steps"); jsonw_array(&w); ... jsonw_end(&w);
 *   jsonw_end(&w);
 *   rc = jsonw_finish(&w, err);
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/buf.h"
#include "lib/error.h"

#define JSONW_MAX_DEPTH 16

struct jsonw {
	struct buf *out; /* borrowed; appended to */
	int depth;
	bool failed, top_written;
	const char *why; /* what went wrong first (static text) */
	struct {
		bool is_object;
		bool first;	      /* nothing written in it yet */
		bool want_value;      /* an object's key was written, its value not yet */
		const char *last_key; /* borrowed from the caller until the object ends */
	} level[JSONW_MAX_DEPTH];
};

void jsonw_init(struct jsonw *w, struct buf *out);
void jsonw_object(struct jsonw *w);
void jsonw_array(struct jsonw *w);
void jsonw_end(struct jsonw *w); /* closes the innermost object or array */
/* The next member's key; k must stay valid until the enclosing object ends. */
void jsonw_key(struct jsonw *w, const char *k);
void jsonw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* RFC 3339 UTC ("2026-03-07T10:10:00Z"); null when t is 0 and null_if_zero. */
void jsonw_time(struct jsonw *w, int64_t t, bool null_if_zero);
/* A jansson value (not consumed), written as jsonh_dump() would; NULL writes null. */
void jsonw_value(struct jsonw *w, const json_t *v);

static inline void jsonw_kstr(struct jsonw *w, const char *k, const char *s)
{
	jsonw_key(w, k);
	jsonw_str(w, s);
}
static inline void jsonw_kint(struct jsonw *w, const char *k, int64_t v)
{
	jsonw_key(w, k);
	jsonw_int(w, v);
}
static inline void jsonw_kbool(struct jsonw *w, const char *k, bool v)
{
	jsonw_key(w, k);
	jsonw_bool(w, v);
}
static inline void jsonw_ktime(struct jsonw *w, const char *k, int64_t t, bool null_if_zero)
{
	jsonw_key(w, k);
	jsonw_time(w, t, null_if_zero);
}

/* SH_OK when the document is complete and well formed; else SH_EINTERNAL (or
 * SH_ENOMEM) with the reason in err. */
enum sh_code jsonw_finish(struct jsonw *w, struct sh_error *err);

#endif
