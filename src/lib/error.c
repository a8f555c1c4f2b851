#include "lib/common.h"
#include "lib/catalog.h"
#include "lib/error.h"

static const struct {
	const char *name;
	const char *title;
	int status;
	const char *title_es;
} codes[SH_CODE_MAX] = {
	[SH_OK] = { "ok", "OK", 200, "Correcto" },
	[SH_EBADREQ] = { "bad_request", "Malformed request", 400, "Solicitud mal formada" },
	[SH_EINVAL] = { "invalid", "Invalid request", 422, "Solicitud no válida" },
	[SH_ETOOBIG] = { "too_big", "Request too large", 413, "Solicitud demasiado grande" },
	[SH_EMEDIA] = { "unsupported_media_type", "Unsupported media type", 415,
			"Tipo de contenido no admitido" },
	[SH_EUNAUTH] = { "unauthenticated", "Sign-in required", 401, "Debe iniciar sesión" },
	[SH_EFORBIDDEN] = { "forbidden", "Not permitted", 403, "No permitido" },
	[SH_ETOOMANY] = { "too_many_requests", "Too many attempts", 429, "Demasiados intentos" },
	[SH_ENOTFOUND] = { "not_found", "Not found", 404, "No encontrado" },
	[SH_EMETHOD] = { "method_not_allowed", "Method not allowed", 405, "Método no permitido" },
	[SH_ECONFLICT] = { "conflict", "Conflict", 409, "Conflicto" },
	[SH_ESTORE] = { "storage", "Storage failure", 500, "Falla del almacenamiento" },
	[SH_ESCHEMA] = { "schema", "Database schema mismatch", 500,
			 "El esquema de la base de datos no coincide" },
	[SH_EUNAVAILABLE] = { "unavailable", "Service unavailable", 503, "Servicio no disponible" },
	[SH_EINTERNAL] = { "internal", "Internal error", 500, "Error interno" },
	[SH_ENOMEM] = { "out_of_memory", "Out of memory", 500, "Memoria insuficiente" },
	[SH_EIO] = { "io", "Input/output error", 500, "Error de entrada/salida" },
};

void sh_error_init(struct sh_error *err)
{
	err->code = SH_OK;
	err->detail[0] = '\0';
	err->detail_es[0] = '\0';
	err->nfields = 0;
}

/* The Spanish of an English printf template, formatted with the same arguments (the
 * catalogue's test holds the conversions equal); "%s" passes a finished text, looked up
 * whole. English where the catalogue has no entry. */
static void format_es(char *out, size_t size, const char *fmt, va_list ap)
{
	const char *es = catalog_es(fmt);
	va_list aq;

	va_copy(aq, ap);
	if (!strcmp(fmt, "%s")) {
		const char *text = va_arg(aq, const char *);
		es = text ? catalog_es(text) : NULL;
		snprintf(out, size, "%s", es ? es : text ? text : "");
	} else {
		/* es is a template from the catalogue, checked against fmt by its test */
		vsnprintf(out, size, es ? es : fmt, aq);
	}
	va_end(aq);
}

enum sh_code sh_error_set(struct sh_error *err, enum sh_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	format_es(err->detail_es, sizeof(err->detail_es), fmt, ap);
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
	format_es(f->message_es, sizeof(f->message_es), fmt, ap);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (!err->detail[0]) {
		snprintf(err->detail, sizeof(err->detail), "%s: %s", f->field, f->message);
		snprintf(err->detail_es, sizeof(err->detail_es), "%s: %s", f->field, f->message_es);
	}
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

static bool is_es(const char *lang)
{
	return lang && !strcmp(lang, "es");
}

const char *sh_code_title_in(enum sh_code code, const char *lang)
{
	if (!is_es(lang))
		return sh_code_title(code);
	return (code >= 0 && code < SH_CODE_MAX) ? codes[code].title_es : "Error interno";
}

const char *sh_error_detail_in(const struct sh_error *err, const char *lang)
{
	/* a detail written straight into err->detail has no Spanish: English then */
	return is_es(lang) && err->detail_es[0] ? err->detail_es : err->detail;
}

const char *sh_error_message_in(const struct sh_field_error *f, const char *lang)
{
	return is_es(lang) && f->message_es[0] ? f->message_es : f->message;
}
