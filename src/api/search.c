/*
 * Finding a youth: POST /api/v1/search, the search index it reads (api/search.h), and the
 * youth as lists show it.
 */
#include "lib/common.h"
#include <ctype.h>
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/casefile.h"
#include "api/handlers.h"
#include "api/identity.h"
#include "api/search.h"
#include "core/search.h"
#include "lib/jsonh.h"
#include "lib/log.h"
#include "lib/timefmt.h"

#define REINDEX_BATCH 200

int64_t search_key_id(const struct shcrypto_keys *k)
{
	return k->nkeys ? k->ids[k->nkeys - 1] : 0;
}

void search_hash_term(const struct shcrypto_keys *k, const char *term,
		      char out[SEARCH_HASH_LEN + 1])
{
	char text[SEARCH_TERM_MAX + 8], full[65];

	/* "s1|": apart from the recovery index ("v1|") and the person keys ("person:") */
	snprintf(text, sizeof(text), "s1|%s", term);
	shcrypto_blind_index(k, text, full);
	memcpy(out, full, SEARCH_HASH_LEN);
	out[SEARCH_HASH_LEN] = '\0';
	sodium_memzero(text, sizeof(text));
}

struct collect {
	const struct shcrypto_keys *k;
	struct arena *a;
	const char **terms;
	size_t n, cap;
	bool nomem;
};

static void collect(const char *term, void *arg)
{
	struct collect *c = arg;
	char hash[SEARCH_HASH_LEN + 1];
	const char **slot;

	search_hash_term(c->k, term, hash);
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->terms[i], hash))
			return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		const char **t = arena_alloc(c->a, cap * sizeof(*t));
		if (!t) {
			c->nomem = true;
			return;
		}
		if (c->n)
			memcpy(t, c->terms, c->n * sizeof(*t));
		c->terms = t;
		c->cap = cap;
	}
	slot = &c->terms[c->n++];
	*slot = arena_strdup(c->a, hash);
}

enum sh_code search_identity_terms(const struct shcrypto_keys *k, const json_t *identity,
				   struct arena *a, const char ***out, size_t *n,
				   struct sh_error *err)
{
	struct collect c = { .k = k, .a = a };
	const char *birth = jsonh_str(identity, "birth_date");
	json_t *v;
	size_t i;

	search_name_terms(jsonh_str(identity, "first_name"), collect, &c);
	search_name_terms(jsonh_str(identity, "last_name"), collect, &c);
	json_array_foreach(json_object_get(identity, "aliases"), i, v)
		search_name_terms(json_string_value(v), collect, &c);
	if (birth) {
		char term[SEARCH_TERM_MAX];
		search_birth_term(birth, term);
		collect(term, &c);
	}
	if (c.nomem)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	*out = c.terms;
	*n = c.n;
	return SH_OK;
}

/* ---- making the index at start ---- */

struct reindex {
	const struct shcrypto_keys *k;
	int64_t key_id, now;
	struct youth_index_rec *youth;
	const char ***terms;
	size_t *nterms;
	size_t n;
};

static enum sh_code do_reindex(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct reindex *r = arg;
	char detail[64];
	enum sh_code rc;

	for (size_t i = 0; i < r->n; i++)
		if ((rc = store_youth_search_set(c, r->youth[i].id, r->key_id, r->terms[i],
						 r->nterms[i], err)))
			return rc;
	snprintf(detail, sizeof(detail), "%zu youth indexed for search", r->n);
	return audit_record(c, NULL, r->now, "search.index", NULL, NULL, "ok", detail, err);
}

/* The terms of one youth: its identity, and the birth dates verified on any recovery. */
static enum sh_code youth_terms(struct store_conn *c, const struct shcrypto_keys *k,
				const struct youth_index_rec *y, struct arena *a, const char ***out,
				size_t *n, struct sh_error *err)
{
	json_t *id = identity_open(k, y->youth_key, y->youth_key_len, y->identity, y->identity_len);
	struct sealed_rec *births;
	size_t nbirths;
	enum sh_code rc;

	if (!id)
		id = json_object(); /* unreadable: indexed under nothing, never read again */
	if (!(rc = store_youth_verified_births(c, y->id, a, &births, &nbirths, err))) {
		json_t *dates = json_array();
		for (size_t i = 0; i < nbirths; i++) {
			struct buf plain = BUF_INIT;
			struct sh_error ignored = SH_ERROR_INIT;
			json_t *t = NULL;
			if (!youth_open(k, y->youth_key, y->youth_key_len, SEALED_EVENT_TEXT,
					births[i].blob, births[i].len, &plain, &ignored))
				t = json_loadb(plain.data, plain.len, 0, NULL);
			buf_wipe(&plain);
			if (jsonh_str(t, "birth_date"))
				json_array_append(dates, json_object_get(t, "birth_date"));
			json_decref(t);
		}
		rc = search_identity_terms(k, id, a, out, n, err);
		for (size_t i = 0; !rc && i < json_array_size(dates); i++) {
			json_t *one = json_pack("{s:O}", "birth_date", json_array_get(dates, i));
			const char **more;
			size_t nmore;
			if (!(rc = search_identity_terms(k, one, a, &more, &nmore, err)) && nmore) {
				const char **all = arena_alloc(a, (*n + nmore) * sizeof(*all));
				if (!all) {
					rc = sh_error_set(err, SH_ENOMEM, "out of memory");
				} else {
					memcpy(all, *out, *n * sizeof(*all));
					memcpy(all + *n, more, nmore * sizeof(*all));
					*out = all;
					*n += nmore;
				}
			}
			json_decref(one);
		}
		json_decref(dates);
	}
	json_decref(id);
	return rc;
}

enum sh_code search_reindex(struct store *s, const struct shcrypto_keys *k, int64_t now,
			    size_t *done, struct sh_error *err)
{
	enum sh_code rc = SH_OK;

	*done = 0;
	for (;;) {
		struct arena a = ARENA_INIT;
		struct reindex r = { .k = k, .key_id = search_key_id(k), .now = now };
		struct store_conn *c;

		if ((rc = store_read_begin(s, &c, err)))
			break;
		rc = store_youth_unindexed(c, r.key_id, REINDEX_BATCH, &a, &r.youth, &r.n, err);
		r.terms = arena_alloc(&a, (r.n + 1) * sizeof(*r.terms));
		r.nterms = arena_alloc(&a, (r.n + 1) * sizeof(*r.nterms));
		if (!rc && (!r.terms || !r.nterms))
			rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < r.n; i++)
			rc = youth_terms(c, k, &r.youth[i], &a, &r.terms[i], &r.nterms[i], err);
		store_read_end(c);
		if (!rc && r.n)
			rc = store_write(s, do_reindex, &r, err);
		*done += rc ? 0 : r.n;
		arena_release(&a);
		if (rc || r.n < REINDEX_BATCH)
			break;
	}
	return rc;
}

json_t *search_list_youth(const struct api_request *req, const struct owed_rec *row)
{
	json_t *id, *out;
	char ini[32];

	if (!access_sees_identity(req->who, row->name_confidential))
		return NULL;
	if (row->sealed_why)
		return json_pack("{s:s}", "sealed", row->sealed_why);
	id = identity_open(&req->app->keys, row->youth_key, row->youth_key_len, row->identity,
			   row->identity_len);
	search_initials(jsonh_str(id, "first_name"), jsonh_str(id, "last_name"), ini, sizeof(ini));
	out = json_pack("{s:s}", "initials", ini);
	json_decref(id);
	return out;
}

/* ---- POST /api/v1/search ---- */

/* A part of a case id as people read it off a screen or a page: letters and digits, read
 * the Crockford way (O is 0, I and L are 1), at least 4 after "SH-". */
static const char *case_id_part(struct arena *a, const char *s, struct sh_error *err)
{
	char *out = arena_alloc(a, strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	if (!strncasecmp(s, "SH-", 3))
		s += 3;
	for (; *s; s++) {
		char ch = (char)toupper((unsigned char)*s);
		if (ch == '-' || ch == ' ')
			continue;
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		if (!isalnum((unsigned char)ch)) {
			sh_error_field(err, SH_EINVAL, "case_id",
				       "a case number has only letters and digits after SH-");
			return NULL;
		}
		*p++ = ch;
	}
	*p = '\0';
	if (strlen(out) < 4) {
		sh_error_field(err, SH_EINVAL, "case_id",
			       "give at least 4 characters of the case number (after SH-)");
		return NULL;
	}
	return out;
}

static bool area_code(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

/* One case as a search result shows it to this caller. */
static json_t *result_json(struct api_request *req, const struct casefile *cf)
{
	const char *mine = access_kind_name(req->who->kind), *lead = casefile_lead_kind(cf);
	json_t *o = json_pack("{s:s, s:s, s:b, s:s, s:i, s:b, s:o, s:o}", "id", cf->c.id, "area",
			      cf->c.area, "open", cf->c.closed_at == 0, "youth_status",
			      protocol_status_name(cf->state.status), "age", cf->state.age,
			      "age_estimated", cf->state.age_estimated, "lead_agency", json_null(),
			      "worker", json_null());
	json_t *youth = json_pack("{s:b}", "name_confidential", cf->state.name_confidential);
	int64_t next = 0;
	bool overdue = false;

	jsonh_set_time(o, "identified_at", cf->c.identified_at, false);
	jsonh_set_time(o, "closed_at", cf->c.closed_at, true);
	for (size_t i = 0; i < cf->nagencies; i++) {
		const struct case_agency_rec *ag = &cf->agencies[i];
		if (!ag->left_at && !strcmp(ag->kind, lead) &&
		    json_is_null(json_object_get(o, "lead_agency")))
			json_object_set_new(o, "lead_agency",
					    json_pack("{s:I, s:s, s:s}", "id",
						      (json_int_t)ag->agency_id, "name", ag->name,
						      "kind", ag->kind));
		if (ag->agency_id == req->who->agency_id && ag->worker_id)
			json_object_set_new(o, "worker",
					    json_pack("{s:I, s:s}", "id", (json_int_t)ag->worker_id,
						      "name",
						      ag->worker_name ? ag->worker_name : ""));
	}
	if (json_is_null(json_object_get(o, "lead_agency")))
		json_object_set_new(o, "lead_agency",
				    json_pack("{s:n, s:n, s:s}", "id", "name", "kind", lead));
	for (size_t i = 0; i < cf->nsteps; i++) {
		const struct step_status *s = &cf->steps[i];
		if (s->state != STEP_PENDING || !s->due_at ||
		    ((!s->owner || strcmp(s->owner, mine)) &&
		     (!s->also_owner || strcmp(s->also_owner, mine))))
			continue;
		overdue |= s->overdue;
		if (!next || s->due_at < next)
			next = s->due_at;
	}
	json_object_set_new(o, "overdue", json_boolean(overdue));
	jsonh_set_time(o, "next_due_at", next, true);
	if (cf->c.sealed_at) {
		json_object_set_new(youth, "sealed", json_string(cf->c.sealed_why));
	} else if (casefile_sees_identity(req->who, cf)) {
		json_t *id = identity_open(&req->app->keys, cf->c.youth_key, cf->c.youth_key_len,
					   cf->c.identity, cf->c.identity_len);
		char ini[32];
		for (const char **k =
			     (const char *[]){ "first_name", "last_name", "aliases", NULL };
		     *k; k++)
			if (json_object_get(id, *k))
				json_object_set(youth, *k, json_object_get(id, *k));
		if (cf->state.has_birth) {
			char b[11];
			timefmt_format_date(cf->state.birth, b);
			json_object_set_new(youth, "birth_date", json_string(b));
		}
		search_initials(jsonh_str(id, "first_name"), jsonh_str(id, "last_name"), ini,
				sizeof(ini));
		json_object_set_new(youth, "initials", json_string(ini));
		json_decref(id);
	}
	json_object_set_new(o, "youth", youth);
	return o;
}

API_HANDLER(api_search)
{
	static const char *const statuses[] = { "open", "closed", "any", NULL };
	static const struct jsonh_field spec[] = {
		{ "name", JT_STRING, 0, 1, 200, NULL },
		{ "birth_date", JT_DATE, 0, 0, 0, NULL },
		{ "case_id", JT_STRING, 0, 1, 24, NULL },
		{ "area", JT_STRING, 0, 1, 64, NULL },
		{ "status", JT_ENUM, 0, 0, 0, statuses },
		{ "overdue", JT_BOOL, 0, 0, 0, NULL },
		{ "mine", JT_BOOL, 0, 0, 0, NULL },
		{ "limit", JT_INT, 0, 1, 50, NULL },
		{ NULL },
	};
	struct app *app = req->app;
	int64_t now = clock_now(&app->clock);
	struct case_search q = { .agency_id = req->who->agency_id, .now = now, .open = -1 };
	char terms[SEARCH_QUERY_WORDS][SEARCH_TERM_MAX],
		hashed[CASE_SEARCH_TERMS][SEARCH_HASH_LEN + 1];
	struct audit_batch b = { .who = req->who,
				 .now = now,
				 .action = "case.search",
				 .outcome = "ok",
				 .section = "core" };
	struct buf canon = BUF_INIT, what = BUF_INIT;
	struct store_conn *c;
	const char **ids = NULL, **shown;
	const char *name, *birth, *status, *why;
	size_t nids = 0, nshown = 0, nterms = 0;
	json_t *body, *items = NULL;
	char audit_hash[65];
	enum sh_code rc;

	if (!(body = api_body_object(req, err)))
		return err->code;
	if ((rc = jsonh_check(body, spec, "", err)))
		goto out;
	q.ever = req->who->role == ROLE_SUPERVISOR;
	q.owner = access_kind_name(req->who->kind);
	q.limit = (int)jsonh_int(body, "limit", 20) + 1; /* one more: were there more? */
	name = jsonh_str(body, "name");
	birth = jsonh_str(body, "birth_date");
	status = jsonh_str(body, "status");
	/* the criteria, canonical, for the audit row's keyed hash (never stored in the clear) */
	if (name && !search_query_terms(name, terms, SEARCH_QUERY_WORDS, &nterms, &why))
		sh_error_field(err, SH_EINVAL, "name", "%s", why);
	for (size_t i = 0; i < nterms; i++) {
		search_hash_term(&app->keys, terms[i], hashed[q.nterms]);
		q.terms[q.nterms] = hashed[q.nterms];
		q.nterms++;
		buf_addf(&canon, "%s|", terms[i]);
	}
	if (birth) {
		char term[SEARCH_TERM_MAX];
		search_birth_term(birth, term);
		search_hash_term(&app->keys, term, hashed[q.nterms]);
		q.terms[q.nterms] = hashed[q.nterms];
		q.nterms++;
		buf_addf(&canon, "%s|", term);
	}
	if (jsonh_str(body, "case_id") &&
	    (q.id_part = case_id_part(req->arena, jsonh_str(body, "case_id"), err)))
		buf_addf(&canon, "id:%s|", q.id_part);
	if ((q.area = jsonh_str(body, "area")) && !area_code(q.area))
		sh_error_field(err, SH_EINVAL, "area",
			       "is an area code: lowercase letters, digits, '_' or '-'");
	if (status && strcmp(status, "any"))
		q.open = !strcmp(status, "open");
	q.overdue = jsonh_bool(body, "overdue", false);
	q.worker_id = jsonh_bool(body, "mine", false) ? req->who->user_id : 0;
	if (!err->nfields && !q.nterms && !q.id_part && !q.area && q.open < 0 && !q.overdue &&
	    !q.worker_id)
		sh_error_field(
			err, SH_EINVAL, "name",
			"say what to look for: a name or alias, a birth date, a case number, "
			"an area, open or closed, overdue, or your own cases");
	if (err->nfields) {
		rc = SH_EINVAL;
		goto out;
	}
	buf_addf(&canon, "area:%s|open:%d|overdue:%d|mine:%d", q.area ? q.area : "", q.open,
		 q.overdue, q.worker_id != 0);
	/* a name or birth date may find a case with a confidential name only for those who may
	 * see that name (PC 293); each result is checked again below with the case as it is */
	q.confidential_ok = access_sees_identity(req->who, true);
	items = json_array();
	if ((rc = store_read_begin(app->store, &c, err)))
		goto out;
	rc = store_case_search(c, &q, req->arena, &ids, &nids, err);
	shown = arena_alloc(req->arena, (nids + 1) * sizeof(*shown));
	for (size_t i = 0; !rc && i < nids && (int)nshown < q.limit - 1; i++) {
		struct casefile cf;
		if ((rc = casefile_load(req, c, ids[i], &cf, err)))
			break;
		/* a name or birth date finds only a youth whose identity the caller may see */
		if (!casefile_visible(req, &cf) ||
		    (q.nterms && !casefile_sees_identity(req->who, &cf)))
			continue;
		json_array_append_new(items, result_json(req, &cf));
		shown[nshown++] = ids[i];
	}
	store_read_end(c);
	if (rc)
		goto out;
	/* every search is audited, the results as reads of their cases; the terms only as a
	 * keyed hash, so the same search can be recognised by whoever holds the key */
	{
		struct buf t = BUF_INIT;
		buf_addf(&t, "audit-search|%s", canon.data);
		shcrypto_blind_index(&app->keys, t.data, audit_hash);
		buf_wipe(&t);
	}
	buf_addf(&what, "terms %.32s (%s%s%s%s%s%s%s), %zu found", audit_hash,
		 nterms ? "name " : "", birth ? "birth_date " : "", q.id_part ? "case_id " : "",
		 q.area ? "area " : "", q.open >= 0 ? "status " : "", q.overdue ? "overdue " : "",
		 q.worker_id ? "mine " : "", nshown);
	b.detail = what.data;
	b.case_ids = nshown ? shown : NULL;
	b.ncases = nshown;
	if ((rc = audit_defer(req, &b, err)))
		goto out;
	rc = api_reply_json_new(res, 200,
				json_pack("{s:O, s:b}", "items", items, "truncated",
					  nids > nshown && (int)nshown == q.limit - 1));
out:
	buf_wipe(&canon);
	buf_release(&what);
	json_decref(items);
	json_decref(body);
	return rc;
}
