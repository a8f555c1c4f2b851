#include "lib/common.h"
#include "lib/error.h"

static const struct {
	const char *name;
	const char *title;
	int status;
} codes[SH_CODE_MAX] = {
	[SH_OK] = { "ok", "OK", 200 },
	[SH_EBADREQ] = { "bad_request", "Malformed request", 400 },
	[SH_EINVAL] = { "invalid", "Invalid request", 422 },
	[SH_ETOOBIG] = { "too_big", "Request too large", 413 },
	[SH_EMEDIA] = { "unsupported_media_type", "Unsupported media type", 415 },
	[SH_EUNAUTH] = { "unauthenticated", "Sign-in required", 401 },
	[SH_EFORBIDDEN] = { "forbidden", "Not permitted", 403 },
	[SH_ETOOMANY] = { "too_many_requests", "Too many attempts", 429 },
	[SH_ENOTFOUND] = { "not_found", "Not found", 404 },
	[SH_EMETHOD] = { "method_not_allowed", "Method not allowed", 405 },
	[SH_ECONFLICT] = { "conflict", "Conflict", 409 },
	[SH_ESTORE] = { "storage", "Storage failure", 500 },
	[SH_ESCHEMA] = { "schema", "Database schema mismatch", 500 },
	[SH_EUNAVAILABLE] = { "unavailable", "Service unavailable", 503 },
	[SH_EINTERNAL] = { "internal", "Internal error", 500 },
	[SH_ENOMEM] = { "out_of_memory", "Out of memory", 500 },
	[SH_EIO] = { "io", "Input/output error", 500 },
};

void sh_error_init(struct sh_error *err)
{
	err->code = SH_OK;
	err->detail[0] = '\0';
	err->nfields = 0;
}

enum sh_code sh_error_set(struct sh_error *err, enum sh_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return code;
}

enum sh_code sh_error_field(struct sh_error *err, enum sh_code code, const char *field,
			    const char *fmt, ...)
{
	va_list ap;
	struct sh_field_error *f;

	if (!err)
		return code;
	if (err->code == SH_OK)
		err->code = code;
	if (err->nfields >= SH_ERROR_MAX_FIELDS)
		return err->code;
	f = &err->fields[err->nfields++];
	snprintf(f->field, sizeof(f->field), "%s", field);
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (!err->detail[0])
		snprintf(err->detail, sizeof(err->detail), "%s: %s", f->field, f->message);
	return err->code;
}

const char *sh_code_name(enum sh_code code)
{
	return (code >= 0 && code < SH_CODE_MAX) ? codes[code].name : "internal";
}

const char *sh_code_title(enum sh_code code)
{
	return (code >= 0 && code < SH_CODE_MAX) ? codes[code].title : "Internal error";
}

int sh_code_http_status(enum sh_code code)
{
	return (code >= 0 && code < SH_CODE_MAX) ? codes[code].status : 500;
}
