#include "lib/common.h"
#include "lib/buf.h"
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

/* A string argument in one language: one side of a SH_BOTH pair, the catalogue's Spanish
 * for a text it knows (a table's words passed through "%s", marked N_()), else as it is. */
static const char *arg_in(const char *s, bool es, char *buf, size_t size)
{
	const char *sep, *t;

	if (!s)
		return "(null)";
	if ((sep = strchr(s, SH_BOTH_SEP[0]))) {
		if (es)
			return sep + 1;
		snprintf(buf, size, "%.*s", (int)(sep - s), s);
		return buf;
	}
	return es && (t = catalog_es(s)) ? t : s;
}

/* One conversion (spec, e.g. "%-8.3s" or "%02ld") of the next argument, added to b. */
static void format_one(bool es, const char *spec, struct buf *b, va_list *ap)
{
	size_t len = strlen(spec);
	char conv = spec[len - 1];
	const char *l = spec + strcspn(spec, "hljzt");
	int star[2], nstar = 0;
	char buf[1300];

	for (const char *q = spec; *q; q++)
		if (*q == '*' && nstar < 2)
			star[nstar++] = va_arg(*ap, int);
#define ONE(v)                                               \
	(nstar == 2 ? buf_addf(b, spec, star[0], star[1], v) \
	 : nstar    ? buf_addf(b, spec, star[0], v)          \
		    : buf_addf(b, spec, v))
	if (conv == 's')
		ONE(arg_in(va_arg(*ap, const char *), es, buf, sizeof(buf)));
	else if (strchr("fFeEgG", conv))
		ONE(va_arg(*ap, double));
	else if (conv == 'p')
		ONE(va_arg(*ap, void *));
	else if (*l == 'z')
		ONE(va_arg(*ap, size_t));
	else if (*l == 'j')
		ONE(va_arg(*ap, intmax_t));
	else if (*l == 't')
		ONE(va_arg(*ap, ptrdiff_t));
	else if (l[0] == 'l' && l[1] == 'l')
		ONE(va_arg(*ap, long long));
	else if (*l == 'l')
		ONE(va_arg(*ap, long));
	else
		ONE(va_arg(*ap, int)); /* int, and char and short promoted to it */
#undef ONE
}

/* s (n bytes) into out, cut short on a character's boundary: a Spanish text cut inside an
 * "ñ" would not be UTF-8, and the answer's JSON would lose it. */
static void copy_utf8(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * printf for the error's texts: the English template, or its Spanish from the catalogue
 * (the catalogue's test holds the conversions equal), with each string argument in the
 * same language (arg_in). One conversion at a time through snprintf, so the types are C's
 * own; gcc checks the conversions against the arguments at each call.
 */
static void format_in(bool es, char *out, size_t size, const char *fmt, va_list ap)
{
	const char *t = es ? catalog_es(fmt) : NULL, *p;
	struct buf b = BUF_INIT;
	va_list aq;

	va_copy(aq, ap);
	for (p = t ? t : fmt; *p;) {
		char spec[32];
		size_t len;

		if (*p != '%' || p[1] == '%') {
			buf_addch(&b, *p);
			p += *p == '%' ? 2 : 1;
			continue;
		}
		len = strspn(p + 1, "-+ #0123456789.*hljzt") + 2;
		if (len >= sizeof(spec) || !p[len - 1])
			break; /* not a conversion: the rest is left out */
		memcpy(spec, p, len);
		spec[len] = '\0';
		p += len;
		format_one(es, spec, &b, &aq);
	}
	va_end(aq);
	copy_utf8(out, size, b.data, b.len);
	buf_release(&b);
}

void sh_error_text(bool es, char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_in(es, out, size, fmt, ap);
	va_end(ap);
}

enum sh_code sh_error_set(struct sh_error *err, enum sh_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	format_in(false, err->detail, sizeof(err->detail), fmt, ap);
	format_in(true, err->detail_es, sizeof(err->detail_es), fmt, ap);
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
	format_in(false, f->message, sizeof(f->message), fmt, ap);
	format_in(true, f->message_es, sizeof(f->message_es), fmt, ap);
	va_end(ap);
	if (!err->detail[0]) { /* cut on a character's boundary too (copy_utf8) */
		sh_error_text(false, err->detail, sizeof(err->detail), "%s: %s", f->field,
			      f->message);
		sh_error_text(false, err->detail_es, sizeof(err->detail_es), "%s: %s", f->field,
			      f->message_es);
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
