/*
 * Saved preferences: GET /api/v1/me/preferences, PUT /api/v1/me/preferences/{key}. Each
 * person's list filters and language, kept on the server so they follow the person from
 * device to device (the language also chooses that of their e-mails and webhooks). Only the keys below, each checked; never a search's words or anything about a
 * youth.
 */
#include "lib/common.h"
#include <ctype.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "core/access.h"
#include "lib/jsonh.h"

/* The filters of "what we owe now" and of the case list (docs/api.md). */
static const struct jsonh_field filter_spec[] = {
	{ "area", JT_STRING, JF_NULLABLE, 1, 64, NULL },
	{ "step", JT_STRING, JF_NULLABLE, 1, 64, NULL },
	{ "worker", JT_STRING, JF_NULLABLE, 1, 20, NULL },
	{ "overdue", JT_BOOL, 0, 0, 0, NULL },
	{ "open", JT_BOOL, 0, 0, 0, NULL },
	{ NULL },
};

static enum sh_code check_filter(const json_t *v, struct sh_error *err);
static enum sh_code check_language(const json_t *v, struct sh_error *err);

/* Each key and how its value is checked. */
static const struct pref {
	const char *key;
	enum sh_code (*check)(const json_t *v, struct sh_error *err);
} prefs[] = {
	{ "owed.filter", check_filter },
	{ "cases.filter", check_filter },
	{ "language", check_language },
	{ NULL, NULL },
};

static const struct pref *known(const char *key)
{
	for (const struct pref *k = prefs; k->key; k++)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
}

/* The language the web app, e-mails and webhooks speak to the person in: {"language":"es"} */
static const char *const languages[] = { "en", "es", NULL };
static const struct jsonh_field language_spec[] = {
	{ "language", JT_ENUM, 0, 0, 0, languages },
	{ NULL },
};

static enum sh_code check_language(const json_t *v, struct sh_error *err)
{
	return jsonh_check(v, language_spec, "", err) ? err->code : SH_OK;
}

static bool chars_in(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      strchr(extra, *s)))
			return false;
	return true;
}

static enum sh_code check_filter(const json_t *v, struct sh_error *err)
{
	const char *area = jsonh_str(v, "area"), *step = jsonh_str(v, "step");
	const char *worker = jsonh_str(v, "worker");

	if (jsonh_check(v, filter_spec, "", err))
		return err->code;
	if (area && !chars_in(area, "_-"))
		sh_error_field(err, SH_EINVAL, "area",
			       "is an area code: lowercase letters, digits, '_' or '-'");
	if (step && !chars_in(step, "_"))
		sh_error_field(err, SH_EINVAL, "step",
			       "is a step's key: lowercase letters, digits, '_'");
	if (worker && strcmp(worker, "me") && strcmp(worker, "none") &&
	    (!chars_in(worker, "") || !strspn(worker, "123456789")))
		sh_error_field(err, SH_EINVAL, "worker",
			       "is me, none, or the id of a person of your agency");
	return err->nfields ? SH_EINVAL : SH_OK;
}

API_HANDLER(api_prefs_get)
{
	struct store_conn *c;
	json_t *out = json_object();
	enum sh_code rc;

	if ((rc = store_read_begin(req->app->store, &c, err))) {
		json_decref(out);
		return rc;
	}
	for (const struct pref *k = prefs; !rc && k->key; k++) {
		char *v;
		json_t *j;
		if ((rc = store_pref_get(c, req->who->user_id, k->key, req->arena, &v, err)) || !v)
			continue;
		if ((j = json_loads(v, 0, NULL)))
			json_object_set_new(out, k->key, j);
	}
	store_read_end(c);
	if (rc) {
		json_decref(out);
		return rc;
	}
	return api_reply_json_new(res, 200, out);
}

struct put {
	const struct principal *who;
	const char *key, *value;
	int64_t now;
};

static enum sh_code do_put(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct put *p = arg;
	enum sh_code rc = store_pref_set(c, p->who->user_id, p->key, p->value, p->now, err);

	return rc ? rc
		  : audit_record(c, p->who, p->now, "user.preference", NULL, NULL, "ok", p->key,
				 err);
}

API_HANDLER(api_prefs_put)
{
	struct put p = { .who = req->who,
			 .key = req->params[0],
			 .now = clock_now(&req->app->clock) };
	const struct pref *k = known(p.key);
	struct buf dump = BUF_INIT;
	json_t *body;
	enum sh_code rc;

	if (!k)
		return sh_error_set(
			err, SH_ENOTFOUND,
			"no such preference: owed.filter, cases.filter and language are kept");
	if (!(body = api_body_object(req, err)))
		return err->code;
	if (!(rc = k->check(body, err)) && !(rc = jsonh_dump(body, &dump))) {
		p.value = json_object_size(body) ? dump.data : NULL; /* {} forgets it */
		rc = store_write(req->app->store, do_put, &p, err);
	}
	if (!rc)
		rc = api_reply_json(res, 200, body);
	buf_release(&dump);
	json_decref(body);
	return rc;
}
