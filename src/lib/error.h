#ifndef SH_ERROR_H
#define SH_ERROR_H
#include <stdbool.h>
#include <stddef.h>
/*
 * The one error type. Functions return an enum sh_code (SH_OK == 0) and put the
 * detail for people into a caller's struct sh_error. Deep code never prints.
 *
 * The detail is written in English and in Spanish at once: the English printf template
 * is the key of the Spanish catalogue (lib/catalog.h), and the Spanish template is
 * formatted with the same arguments, so deep code never needs to know who asked. The
 * answer picks one (api_problem). A string argument is given in Spanish too: a text the
 * catalogue knows (a route's rule, a search's advice, marked N_()) is looked up whole, and
 * a pair "English" SH_BOTH_SEP "Español" (a protocol's step title and its title_es) gives
 * each language its side.
 */

/* Between the two sides of a string argument given in both languages (see above). */
#define SH_BOTH_SEP "\x1e"
enum sh_code {
	SH_OK = 0,
	/* the request or input is wrong */
	SH_EBADREQ, /* malformed: not JSON, missing header (400) */
	SH_EINVAL,  /* well-formed but a field breaks a rule (422) */
	SH_ETOOBIG, /* over a size limit (413) */
	SH_EMEDIA,  /* unsupported content type (415) */
	/* who is asking */
	SH_EUNAUTH,    /* no valid credentials (401) */
	SH_EFORBIDDEN, /* role or agency may not (403) */
	SH_ETOOMANY,   /* slow down (429) */
	/* what is asked for */
	SH_ENOTFOUND, /* unknown, or not for this caller to know (404) */
	SH_EMETHOD,   /* path exists, method does not (405) */
	SH_ECONFLICT, /* clashes with the current state (409) */
	/* storage */
	SH_ESTORE,	 /* the database failed (500) */
	SH_ESCHEMA,	 /* database schema newer than this program, or missing */
	SH_EUNAVAILABLE, /* shutting down (503) */
	/* everything else */
	SH_EINTERNAL,
	SH_ENOMEM,
	SH_EIO,
	SH_CODE_MAX
};

#define SH_ERROR_MAX_FIELDS 16

struct sh_field_error {
	char field[96];
	char message[480];
	char message_es[480];
};

struct sh_error {
	enum sh_code code;
	char detail[400];
	char detail_es[400];
	int nfields;
	struct sh_field_error fields[SH_ERROR_MAX_FIELDS];
};

/* SH_ERROR_INIT zeroes the whole struct (17.7 KB: about 17,700 instructions, more than
 * opening a sealed value); on a request's path, declare it and call sh_error_init(), which
 * sets only what is read before a field is added (code, detail, detail_es, nfields). */
#define SH_ERROR_INIT                      \
	{                                  \
		SH_OK, "", "", 0,          \
		{                          \
			{                  \
				"", "", "" \
			}                  \
		}                          \
	}

void sh_error_init(struct sh_error *err);

/* Sets code and detail (printf format); returns code so callers can `return sh_error_set(...)`. */
enum sh_code sh_error_set(struct sh_error *err, enum sh_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds one field error; sets the code when none is set yet and the detail when empty. */
enum sh_code sh_error_field(struct sh_error *err, enum sh_code code, const char *field,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A text for people outside an error (a verdict a handler may answer with), formatted as
 * sh_error_set formats its detail: in Spanish (es) from the catalogue, else in English. */
void sh_error_text(bool es, char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

const char *sh_code_name(enum sh_code code);  /* "invalid", "not_found", ... */
const char *sh_code_title(enum sh_code code); /* short human title */
/* The title in a language: "es" for Spanish, anything else English. */
const char *sh_code_title_in(enum sh_code code, const char *lang);
/* The detail and a field's message in a language ("es", else English). */
const char *sh_error_detail_in(const struct sh_error *err, const char *lang);
const char *sh_error_message_in(const struct sh_field_error *f, const char *lang);
int sh_code_http_status(enum sh_code code);

#endif
