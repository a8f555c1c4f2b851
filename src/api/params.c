#include "lib/common.h"
#include "api/params.h"

enum sh_code params_id(const struct api_request *req, int i, int64_t *out, struct sh_error *err)
{
	const char *s = i < req->nparams ? req->params[i] : NULL;
	char *end;
	long long v;

	errno = 0;
	v = s ? strtoll(s, &end, 10) : 0;
	if (!s || errno || *end || end == s || v <= 0)
		return sh_error_set(err, SH_ENOTFOUND, "no such record");
	*out = v;
	return SH_OK;
}

enum sh_code params_flag(const struct api_request *req, const char *name, bool dflt, bool *out,
			 struct sh_error *err)
{
	const char *v = api_query(req, name);

	*out = dflt;
	if (!v)
		return SH_OK;
	if (!strcmp(v, "1") || !strcmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "0") || !strcmp(v, "false"))
		*out = false;
	else
		return sh_error_field(err, SH_EINVAL, name, "give 1 (yes) or 0 (no)");
	return SH_OK;
}

enum sh_code params_read_action(const struct api_request *req, const char *what,
				const char **action, struct sh_error *err)
{
	const char *p = api_query(req, "purpose");

	if (p && strcmp(p, "print"))
		return sh_error_field(
			err, SH_EINVAL, "purpose",
			"leave it out, or give print (a page printed from the web app)");
	*action = arena_printf(req->arena, "%s.%s", what, p ? "print" : "read");
	return SH_OK;
}

enum sh_code params_date(const struct api_request *req, const char *name, struct sh_date *out,
			 struct sh_error *err)
{
	const char *v = api_query(req, name);

	if (!v || !*v)
		return sh_error_field(err, SH_EINVAL, name,
				      "give a date, such as 2026-03-01 (YYYY-MM-DD)");
	if (timefmt_parse_date(v, out) || out->year < 2000)
		return sh_error_field(err, SH_EINVAL, name,
				      "give a calendar date in 2000 or later, "
				      "such as 2026-03-01 (YYYY-MM-DD)");
	return SH_OK;
}

enum sh_code params_int(const struct api_request *req, const char *name, int64_t lo, int64_t hi,
			int64_t dflt, int64_t *out, struct sh_error *err)
{
	const char *v = api_query(req, name);
	char *end;
	long long n;

	*out = dflt;
	if (!v)
		return SH_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		return sh_error_field(err, SH_EINVAL, name,
				      "must be a whole number from %" PRId64 " to %" PRId64, lo,
				      hi);
	*out = n;
	return SH_OK;
}
