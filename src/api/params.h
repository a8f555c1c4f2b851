#ifndef SH_PARAMS_H
#define SH_PARAMS_H
/* Reading path parameters and query strings with validation that names the parameter. */
#include <stdbool.h>
#include "api/api.h"
#include "lib/timefmt.h"

/* Path parameter i as a positive integer id; SH_ENOTFOUND when it is not one. */
enum sh_code params_id(const struct api_request *req, int i, int64_t *out, struct sh_error *err);
/* Query flag: absent -> dflt; "1"/"true" -> true; "0"/"false" -> false; else SH_EINVAL. */
enum sh_code params_flag(const struct api_request *req, const char *name, bool dflt, bool *out,
			 struct sh_error *err);

/* Query date "YYYY-MM-DD", 2000 or later; required: SH_EINVAL naming it when absent or bad. */
enum sh_code params_date(const struct api_request *req, const char *name, struct sh_date *out,
			 struct sh_error *err);

/* Query integer: absent -> dflt; a whole number from lo to hi; else SH_EINVAL naming it. */
enum sh_code params_int(const struct api_request *req, const char *name, int64_t lo, int64_t hi,
			int64_t dflt, int64_t *out, struct sh_error *err);

/* The audit action of a read of `what` ("case", "events", "witness"): "<what>.read", or
 * "<what>.print" with purpose=print (a page the web app prints), so "who viewed" tells a
 * printed copy apart. Any other purpose is SH_EINVAL naming it. */
enum sh_code params_read_action(const struct api_request *req, const char *what,
				const char **action, struct sh_error *err);

#endif
