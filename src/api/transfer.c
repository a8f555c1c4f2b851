/*
 * Case transfer between counties (api/transfer.h). The file is a small JSON envelope
 * (format, case id, counties, the receiver's public key, when) around one sealed box: the
 * payload, every value in clear inside it, sealed with crypto_box_seal to the receiving
 * county's transfer key. Only the receiver's key file opens it.
 */
#include "lib/common.h"
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/audit.h"
#include "api/casefile.h"
#include "api/identity.h"
#include "api/search.h"
#include "api/transfer.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"
#include "notify/summons.h"

#define TRANSFER_VERSION 1
#define TRANSFER_FILE_MAX ((size_t)256 << 20)
#define AUDIT_PAGE 500

static enum sh_code no_mem(struct sh_error *err)
{
	return sh_error_set(err, SH_ENOMEM, "out of memory");
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

void transfer_key_of(const struct shcrypto_keys *k, struct transfer_key *out)
{
	unsigned char box_sk[SHCRYPTO_TRANSFER_KEY_LEN], sign_sk[SHCRYPTO_SIGN_SECRET_LEN];

	shcrypto_transfer_keypair(k, out->box, box_sk);
	shcrypto_transfer_signkeys(k, out->sign, sign_sk);
	sodium_memzero(box_sk, sizeof(box_sk));
	sodium_memzero(sign_sk, sizeof(sign_sk));
}

void transfer_key_hex(const struct transfer_key *key, char out[TRANSFER_KEY_HEX + 1])
{
	shcrypto_hex(key->box, sizeof(key->box), out);
	shcrypto_hex(key->sign, sizeof(key->sign), out + 2 * sizeof(key->box));
}

bool transfer_key_parse(const char *hex, struct transfer_key *out)
{
	unsigned char raw[2 * SHCRYPTO_TRANSFER_KEY_LEN];
	size_t len = 0;

	if (!hex || strlen(hex) != TRANSFER_KEY_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), hex, TRANSFER_KEY_HEX, NULL, &len, NULL) ||
	    len != sizeof(raw))
		return false;
	memcpy(out->box, raw, sizeof(out->box));
	memcpy(out->sign, raw + sizeof(out->box), sizeof(out->sign));
	return true;
}

/* What the sender signs: every field of the envelope, one a line, the sealed box last. */
static enum sh_code signed_text(const json_t *env, struct buf *out)
{
	static const char *const fields[] = { "format", "case_id",  "from_county", "to_county",
					      "to_key", "from_key", "exported_at", "sealed" };
	enum sh_code rc = buf_addf(out, "%s %d\n", TRANSFER_FORMAT, TRANSFER_VERSION);

	for (size_t i = 0; !rc && i < ARRAY_SIZE(fields); i++) {
		const char *v = jsonh_str(env, fields[i]);
		rc = buf_addf(out, "%s=%s\n", fields[i], v ? v : "");
	}
	return rc;
}

/* ---- the sending county ---- */

static json_t *steps_json(const struct casefile *cf)
{
	json_t *out = json_array();

	for (size_t i = 0; i < cf->nsteps; i++) {
		const struct step_status *s = &cf->steps[i];
		json_array_append_new(
			out,
			json_pack("{s:s, s:i, s:o, s:o, s:s, s:I, s:I, s:I}", "key", s->key,
				  "episode", s->episode, "owner", opt_str(s->owner), "also_owner",
				  opt_str(s->also_owner), "state", protocol_state_name(s->state),
				  "opened_at", (json_int_t)s->opened_at, "due_at",
				  (json_int_t)s->due_at, "done_at", (json_int_t)s->done_at));
	}
	return out;
}

/* The timeline with every sealed text opened; *sections gets a bit per section in it. */
static enum sh_code events_json(struct app *app, const struct casefile *cf, json_t *out,
				unsigned *sections, struct sh_error *err)
{
	for (size_t i = 0; i < cf->nevents; i++) {
		const struct event_rec *e = &cf->events[i];
		json_t *data = json_loads(e->data ? e->data : "{}", 0, NULL), *text = json_null();
		int sec = access_section_parse(e->section);
		if (e->sealed) {
			struct buf plain = BUF_INIT;
			enum sh_code rc = youth_open(&app->keys, cf->c.youth_key,
						     cf->c.youth_key_len, SEALED_EVENT_TEXT,
						     e->sealed, e->sealed_len, &plain, err);
			if (!rc)
				text = json_loadb(plain.data, plain.len, 0, NULL);
			buf_wipe(&plain);
			if (rc || !text) {
				json_decref(data);
				return rc ? rc
					  : sh_error_set(err, SH_EINTERNAL,
							 "event %" PRId64 ": its text is not JSON",
							 e->id);
			}
		}
		if (sec >= 0)
			*sections |= 1u << sec;
		json_array_append_new(
			out,
			json_pack("{s:I, s:s, s:s, s:I, s:I, s:o, s:I, s:o, s:o, s:I, s:o, s:o}",
				  "id", (json_int_t)e->id, "type", e->type, "section", e->section,
				  "at", (json_int_t)e->at, "recorded_at",
				  (json_int_t)e->recorded_at, "author", opt_str(e->author),
				  "agency_id", (json_int_t)e->agency_id, "agency",
				  opt_str(e->agency_name), "kind", opt_str(e->agency_kind),
				  "amends", (json_int_t)e->amends, "data",
				  data ? data : json_object(), "text", text));
	}
	return SH_OK;
}

/* Every audit row about the case, oldest first. */
static enum sh_code audit_json(struct store_conn *c, const char *id, struct arena *a, json_t *out,
			       struct sh_error *err)
{
	int64_t before = 0;
	enum sh_code rc;

	for (;;) {
		struct audit_view_rec *rows;
		size_t n;
		if ((rc = store_audit_for_case(c, id, before, NULL, AUDIT_PAGE, a, &rows, &n, err)))
			return rc;
		for (size_t i = 0; i < n; i++) {
			const struct audit_entry *e = &rows[i].e;
			/* seq null: not linked into the chain yet (PostgreSQL) */
			json_t *o = json_pack("{s:o, s:I, s:s, s:o, s:o, s:o, s:s, s:o}", "seq",
					      e->seq ? json_integer(e->seq) : json_null(), "at",
					      (json_int_t)e->at, "action", e->action, "user",
					      opt_str(rows[i].user_name), "agency",
					      opt_str(rows[i].agency_name), "section",
					      opt_str(e->section), "outcome", e->outcome, "detail",
					      opt_str(e->detail));
			json_array_insert_new(out, 0, o);
			before = rows[i].cursor;
		}
		if (n < AUDIT_PAGE)
			return SH_OK;
	}
}

static const char *protocol_sha(struct store_conn *c, int64_t id, struct arena *a,
				struct sh_error *err)
{
	struct protocol_rec *list;
	size_t n;

	if (store_protocol_list(c, a, &list, &n, err))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (list[i].id == id)
			return list[i].sha;
	sh_error_set(err, SH_EINTERNAL, "the case's protocol version is not stored");
	return NULL;
}

static enum sh_code payload(struct app *app, struct api_request *req, const char *id, int64_t now,
			    json_t **out, struct transfer_report *rep, unsigned *sections,
			    struct sh_error *err)
{
	struct store_conn *c;
	struct casefile cf;
	json_t *p = NULL, *ident = NULL, *agencies, *events, *audit;
	const char *sha;
	enum sh_code rc;

	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	if ((rc = casefile_load(req, c, id, &cf, err)))
		goto out;
	if (cf.c.closed_at) {
		rc = sh_error_set(
			err, SH_ECONFLICT,
			"case %s is closed (%s): a transfer moves an open case; reopen it "
			"first, or export it for the record (docs/api.md)",
			id, cf.c.close_reason ? cf.c.close_reason : "closed");
		goto out;
	}
	if (!cf.protocol || !(sha = protocol_sha(c, cf.c.protocol_id, req->arena, err))) {
		rc = err->code ? err->code : sh_error_set(err, SH_EINTERNAL, "no protocol");
		goto out;
	}
	/* a youth sealed by court order leaves with no identity: such a case does not move */
	if (cf.c.sealed_at) {
		rc = sh_error_set(
			err, SH_ECONFLICT,
			"case %s is of a youth sealed by court order: it is not transferred "
			"(its identity and texts no longer exist)",
			id);
		goto out;
	}
	if (!(ident = identity_open(&app->keys, cf.c.youth_key, cf.c.youth_key_len, cf.c.identity,
				    cf.c.identity_len))) {
		rc = sh_error_set(err, SH_EINTERNAL, "the youth's identity cannot be opened");
		goto out;
	}
	if ((rc = casefile_evaluate(req, &cf, now, err)))
		goto out;
	agencies = json_array();
	for (size_t i = 0; i < cf.nagencies; i++) {
		const struct case_agency_rec *g = &cf.agencies[i];
		json_array_append_new(agencies, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I}", "id",
							  (json_int_t)g->agency_id, "name", g->name,
							  "kind", g->kind, "reason", g->reason,
							  "joined_at", (json_int_t)g->joined_at,
							  "left_at", (json_int_t)g->left_at));
	}
	p = json_pack(
		"{s:s, s:I, s:{s:s, s:i, s:I, s:I, s:s, s:s, s:I, s:i, s:b, s:o, s:o, s:I, s:b, "
		"s:s}, s:o, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o}",
		"case_id", id, "exported_at", (json_int_t)now, "case", "id", id, "recovery_no",
		cf.c.recovery_no, "identified_at", (json_int_t)cf.c.identified_at, "recorded_at",
		(json_int_t)cf.c.recorded_at, "area", cf.c.area, "youth_status", cf.c.youth_status,
		"identified_by_agency", (json_int_t)cf.c.identified_by_agency, "age", cf.c.age,
		"age_estimated", cf.c.age_estimated, "gender", opt_str(cf.c.gender),
		"race_ethnicity", opt_str(cf.c.race_ethnicity), "last_assault_at",
		(json_int_t)cf.c.last_assault_at, "name_confidential", cf.c.name_confidential,
		"indicators", cf.c.indicators ? cf.c.indicators : "[]", "identity", ident,
		"protocol", "name", protocol_name(cf.protocol), "version",
		protocol_version(cf.protocol), "sha", sha, "agencies", agencies, "events",
		events = json_array(), "steps", steps_json(&cf), "audit", audit = json_array());
	ident = NULL; /* the pack took it */
	if (!p) {
		rc = no_mem(err);
		goto out;
	}
	if ((rc = events_json(app, &cf, events, sections, err)) ||
	    (rc = audit_json(c, id, req->arena, audit, err)))
		goto out;
	rep->events = cf.nevents;
	rep->steps = cf.nsteps;
	rep->audit_rows = json_array_size(audit);
	*out = p;
	p = NULL;
out:
	store_read_end(c);
	json_decref(ident);
	json_decref(p);
	return rc;
}

/* Writes data to a new file at path (not one that exists), synced before it is closed. */
static enum sh_code write_new_file(const char *path, const char *data, size_t len,
				   struct sh_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return sh_error_set(err, errno == EEXIST ? SH_ECONFLICT : SH_EIO,
				    "cannot create %s: %s", path,
				    errno == EEXIST ? "it exists (a transfer file is never "
						      "overwritten)"
						    : strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done < len || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(path);
		return sh_error_set(err, SH_EIO, "cannot write %s: %s", path, strerror(e));
	}
	close(fd);
	return SH_OK;
}

struct sent {
	struct api_request *req;
	const char *id;
	int64_t now;
	const char *detail;
	unsigned sections;
	size_t nevents; /* the entries the file carries */
};

/* The sending case closes as moved out of the county; what it owed is settled, and every
 * compartment the file carries is audited as read for the transfer. */
static enum sh_code do_sent(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct sent *s = arg;
	struct casefile cf;
	enum sh_code rc;

	if ((rc = casefile_load(s->req, c, s->id, &cf, err)))
		return rc;
	/* an entry recorded, or the case closed, while the file was written would be lost */
	if (cf.nevents != s->nevents || cf.c.closed_at)
		return sh_error_set(err, SH_ECONFLICT,
				    "case %s changed while its file was written: nothing was sent; "
				    "run the export again",
				    s->id);
	cf.c.closed_at = s->now;
	cf.c.close_reason = "moved_out_of_county";
	if ((rc = store_case_set_closed(c, s->id, s->now, cf.c.close_reason, err)) ||
	    (rc = casefile_evaluate(s->req, &cf, s->now, err)) ||
	    (rc = casefile_save_steps(c, s->req, &cf, err)) ||
	    (rc = summons_settle(c, s->id, true, cf.steps, cf.nsteps, 0, s->now, s->req->arena,
				 err)))
		return rc;
	for (int sec = 0; sec < SEC_COUNT; sec++)
		if ((s->sections & (1u << sec)) &&
		    (rc = audit_record(c, NULL, s->now, "case.transfer_out", s->id,
				       access_section_name((enum section)sec), "ok", s->detail,
				       err)))
			return rc;
	return SH_OK;
}

static enum sh_code county_name_check(const char *what, const char *name, struct sh_error *err)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > 80)
		return sh_error_field(err, SH_EINVAL, what,
				      "name the county in 1 to 80 characters");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return sh_error_field(err, SH_EINVAL, what, "one line of text");
	return SH_OK;
}

enum sh_code transfer_export(struct app *app, const char *case_id, const char *from_county,
			     const char *to_county, const struct transfer_key *to_key,
			     const char *out, struct arena *a, struct transfer_report *rep,
			     struct sh_error *err)
{
	struct api_request req = { .arena = a, .app = app, .request_id = "transfer" };
	int64_t now = clock_now(&app->clock);
	struct sent s = { .req = &req, .id = case_id, .now = now };
	struct buf plain = BUF_INIT, file = BUF_INIT, text = BUF_INIT;
	struct transfer_key mine;
	unsigned char *box = NULL, sign_pk[SHCRYPTO_TRANSFER_KEY_LEN],
		      sign_sk[SHCRYPTO_SIGN_SECRET_LEN], sig[crypto_sign_BYTES];
	char *b64 = NULL, to_hex[TRANSFER_KEY_HEX + 1], from_hex[TRANSFER_KEY_HEX + 1],
	     sig_hex[2 * crypto_sign_BYTES + 1];
	json_t *p = NULL, *env = NULL;
	enum sh_code rc;

	memset(rep, 0, sizeof(*rep));
	rep->case_id = case_id;
	rep->county = to_county;
	if ((rc = county_name_check("to-county", to_county, err)) ||
	    (from_county && (rc = county_name_check("from-county", from_county, err))))
		return rc;
	if ((rc = payload(app, &req, case_id, now, &p, rep, &s.sections, err)) ||
	    (rc = jsonh_dump(p, &plain)))
		goto out;
	{
		size_t blen = plain.len + crypto_box_SEALBYTES,
		       b64len = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
		if (!(box = malloc(blen)) || !(b64 = malloc(b64len))) {
			rc = no_mem(err);
			goto out;
		}
		if (crypto_box_seal(box, (const unsigned char *)plain.data, plain.len,
				    to_key->box)) {
			rc = sh_error_set(err, SH_EINVAL,
					  "the receiving county's key is not valid");
			goto out;
		}
		sodium_bin2base64(b64, b64len, box, blen, sodium_base64_VARIANT_ORIGINAL);
	}
	transfer_key_hex(to_key, to_hex);
	transfer_key_of(&app->keys, &mine);
	transfer_key_hex(&mine, from_hex);
	env = json_pack("{s:s, s:i, s:s, s:o, s:s, s:s, s:s, s:s}", "format", TRANSFER_FORMAT,
			"version", TRANSFER_VERSION, "case_id", case_id, "from_county",
			opt_str(from_county), "to_county", to_county, "to_key", to_hex, "from_key",
			from_hex, "sealed", b64);
	if (!env) {
		rc = no_mem(err);
		goto out;
	}
	jsonh_set_time(env, "exported_at", now, false);
	/* signed by this county, so the receiver knows who sent it */
	if ((rc = signed_text(env, &text)))
		goto out;
	shcrypto_transfer_signkeys(&app->keys, sign_pk, sign_sk);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text.data, text.len, sign_sk);
	sodium_memzero(sign_sk, sizeof(sign_sk));
	shcrypto_hex(sig, sizeof(sig), sig_hex);
	json_object_set_new(env, "signature", json_string(sig_hex));
	if ((rc = jsonh_dump(env, &file)) || (rc = buf_addch(&file, '\n')))
		goto out;
	shcrypto_hash_hex(file.data, file.len, rep->file_hash);
	if ((rc = write_new_file(out, file.data, file.len, err)))
		goto out;
	s.detail = arena_printf(a, "to %s; file %.16s", to_county, rep->file_hash);
	s.nevents = rep->events;
	if ((rc = store_write(app->store, do_sent, &s, err)))
		unlink(out); /* not sent: no file without its audit */
out:
	buf_wipe(&plain);
	buf_release(&file);
	buf_release(&text);
	free(box);
	free(b64);
	json_decref(p);
	json_decref(env);
	return rc;
}

/* ---- the receiving county ---- */

struct received {
	struct api_request *req;
	json_t *p;		 /* the payload */
	const char *from;	 /* the sending county as the file names it */
	struct agency_rec *here; /* this county's agencies */
	size_t nhere;
	const char *const *chosen;  /* agencies named for their kinds */
	int64_t *from_ids, *to_ids; /* sending agency id -> this county's */
	size_t nmap;
	int64_t *old_events, *new_events;
	size_t nevents;
	int64_t protocol_id;
	int64_t now, exported_at;
	const unsigned char *wrapped; /* the youth's data key, wrapped (NULL: the field key) */
	size_t wrapped_len;
	const char *detail;
};

/* This county's agency for a sending agency of kind `kind` on a case in `area`. */
static const struct agency_rec *agency_for(const struct received *r, const char *kind,
					   const char *area, struct sh_error *err)
{
	const struct agency_rec *best = NULL;
	int best_score = -1;

	for (size_t i = 0; r->chosen && r->chosen[i]; i++)
		for (size_t k = 0; k < r->nhere; k++)
			if (!strcmp(r->here[k].name, r->chosen[i]) &&
			    !strcmp(r->here[k].kind, kind))
				return &r->here[k];
	for (size_t k = 0; k < r->nhere; k++) {
		const struct agency_rec *g = &r->here[k];
		int score = 0;
		if (g->disabled || strcmp(g->kind, kind))
			continue;
		for (const char **s = g->areas; s && *s; s++)
			if (!strcmp(*s, area) || !strcmp(*s, "*"))
				score = 1;
		if (g->home_area && !strcmp(g->home_area, area))
			score = 2;
		if (score > best_score) /* the list is by name: the first wins a tie */
			best = g, best_score = score;
	}
	if (!best)
		sh_error_set(err, SH_EINVAL,
			     "this county has no enabled %s agency to take over its part of the "
			     "case: add one (safeharbor agency add) and import again",
			     kind);
	return best;
}

static enum sh_code map_agency(struct received *r, int64_t from, const char *kind, const char *area,
			       int64_t *to, struct sh_error *err)
{
	const struct agency_rec *g;

	if (!from) { /* the system */
		*to = 0;
		return SH_OK;
	}
	for (size_t i = 0; i < r->nmap; i++)
		if (r->from_ids[i] == from) {
			*to = r->to_ids[i];
			return SH_OK;
		}
	if (!kind || !(g = agency_for(r, kind, area, err)))
		return err->code
			       ? err->code
			       : sh_error_set(err, SH_EINVAL, "an agency of the file has no kind");
	r->from_ids[r->nmap] = from;
	r->to_ids[r->nmap++] = g->id;
	*to = g->id;
	return SH_OK;
}

static int64_t new_event_id(const struct received *r, int64_t old)
{
	for (size_t i = 0; i < r->nevents; i++)
		if (r->old_events[i] == old)
			return r->new_events[i];
	return 0;
}

/* An entry's structured fields, with the sending county's ids made this county's: events
 * and agencies mapped, people and prosecutions (which stay behind) left out. */
static enum sh_code remap_data(struct received *r, json_t *data, const char *area,
			       struct sh_error *err)
{
	static const char *const people[] = { "user_id", "witness_id", "hearing_id" };
	static const char *const agencies[] = { "agency_id", "to_agency_id" };
	json_t *v;
	int64_t to;
	enum sh_code rc;

	if ((v = json_object_get(data, "event_id")) && json_is_integer(v))
		json_object_set_new(data, "event_id",
				    json_integer(new_event_id(r, json_integer_value(v))));
	for (size_t i = 0; i < ARRAY_SIZE(people); i++)
		if (json_object_get(data, people[i]))
			json_object_set_new(data, people[i], json_null());
	for (size_t i = 0; i < ARRAY_SIZE(agencies); i++) {
		const char *kind = NULL;
		size_t k;
		json_t *g;
		if (!(v = json_object_get(data, agencies[i])) || !json_is_integer(v))
			continue;
		json_array_foreach(json_object_get(r->p, "agencies"), k, g)
			if (jsonh_int(g, "id", 0) == json_integer_value(v))
				kind = jsonh_str(g, "kind");
		if (!kind) { /* an agency that never took part: none here either */
			json_object_set_new(data, agencies[i], json_null());
			continue;
		}
		if ((rc = map_agency(r, json_integer_value(v), kind, area, &to, err)))
			return rc;
		json_object_set_new(data, agencies[i], json_integer(to));
	}
	return SH_OK;
}

static enum sh_code insert_events(struct received *r, struct store_conn *c, const char *id,
				  const char *area, struct sh_error *err)
{
	json_t *list = json_object_get(r->p, "events"), *e;
	size_t i;
	enum sh_code rc = SH_OK;

	r->nevents = 0;
	json_array_foreach(list, i, e) {
		struct event_rec ev = { .case_id = id };
		struct buf data = BUF_INIT, plain = BUF_INIT, sealed = BUF_INIT;
		json_t *d = json_deep_copy(json_object_get(e, "data")), *text;
		if (!json_is_object(d)) {
			json_decref(d);
			return sh_error_set(err, SH_EINVAL, "event %zu of the file has no data", i);
		}
		/* who wrote it, as the sending county knew them */
		json_object_set_new(
			d, "transferred",
			json_pack("{s:o, s:I, s:o, s:o}", "county", opt_str(r->from), "event_id",
				  (json_int_t)jsonh_int(e, "id", 0), "author",
				  json_deep_copy(json_object_get(e, "author")), "agency",
				  json_deep_copy(json_object_get(e, "agency"))));
		ev.type = jsonh_str(e, "type");
		ev.section = jsonh_str(e, "section");
		ev.at = jsonh_int(e, "at", 0);
		ev.recorded_at = jsonh_int(e, "recorded_at", 0);
		ev.amends = new_event_id(r, jsonh_int(e, "amends", 0));
		if (!ev.type || !ev.section || access_section_parse(ev.section) < 0)
			rc = sh_error_set(err, SH_EINVAL, "event %zu of the file is not valid", i);
		if (!rc)
			rc = map_agency(r, jsonh_int(e, "agency_id", 0), jsonh_str(e, "kind"), area,
					&ev.agency_id, err);
		if (!rc)
			rc = remap_data(r, d, area, err);
		if (!rc)
			rc = jsonh_dump(d, &data);
		text = json_object_get(e, "text");
		if (!rc && json_is_object(text) && !(rc = jsonh_dump(text, &plain)) &&
		    !(rc = youth_seal_wrapped(&r->req->app->keys, r->wrapped, r->wrapped_len,
					      SEALED_EVENT_TEXT, plain.data, plain.len, &sealed,
					      err))) {
			ev.sealed = (const unsigned char *)sealed.data;
			ev.sealed_len = sealed.len;
		}
		ev.data = data.data;
		if (!rc)
			rc = store_event_insert(c, &ev, err);
		json_decref(d);
		buf_release(&data);
		buf_wipe(&plain);
		buf_release(&sealed);
		if (rc)
			return rc;
		r->old_events[r->nevents] = jsonh_int(e, "id", 0);
		r->new_events[r->nevents++] = ev.id;
	}
	return SH_OK;
}

/* The steps derived here at the moment of export equal the sender's (the witness items,
 * which come from the sending county's prosecutions, stay behind). */
static enum sh_code same_steps(const struct received *r, const struct casefile *cf,
			       struct sh_error *err)
{
	json_t *theirs = json_object_get(r->p, "steps"), *s;
	size_t i, n = 0;

	json_array_foreach(theirs, i, s) {
		const char *key = jsonh_str(s, "key");
		const struct step_status *mine;
		if (casefile_witness_item(cf, key))
			continue;
		n++;
		mine = casefile_step(cf, key, (int)jsonh_int(s, "episode", 0));
		if (!mine || strcmp(protocol_state_name(mine->state), jsonh_str(s, "state")) ||
		    mine->opened_at != jsonh_int(s, "opened_at", -1) ||
		    mine->due_at != jsonh_int(s, "due_at", -1) ||
		    mine->done_at != jsonh_int(s, "done_at", -1))
			return sh_error_set(err, SH_ECONFLICT,
					    "step %s (%" JSON_INTEGER_FORMAT
					    ") would not be what the sending county had: "
					    "the two counties must run the same protocol in "
					    "the same time zone; nothing was imported",
					    key, jsonh_int(s, "episode", 0));
	}
	for (size_t k = 0; k < cf->nsteps; k++)
		if (!casefile_witness_item(cf, cf->steps[k].key))
			n--;
	if (n)
		return sh_error_set(err, SH_ECONFLICT,
				    "the case would have other steps here than in the sending "
				    "county; nothing was imported");
	return SH_OK;
}

static enum sh_code do_received(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct received *r = arg;
	struct api_request *req = r->req;
	struct app *app = req->app;
	json_t *k = json_object_get(r->p, "case"), *ident = json_object_get(r->p, "identity"), *g;
	struct case_rec rec = { 0 }, existing;
	struct youth_rec youth = { .created_at = r->now };
	struct buf sealed = BUF_INIT, wrapped = BUF_INIT;
	struct youth_key ykey = { 0 };
	struct casefile cf;
	const char **terms = NULL;
	char blind[65];
	size_t nterms = 0, i;
	int recoveries = 0;
	int64_t youth_id = 0;
	enum sh_code rc;

	rec.id = jsonh_str(k, "id");
	rc = store_case_get(c, rec.id, req->arena, &existing, err);
	if (rc != SH_ENOTFOUND)
		return rc ? rc
			  : sh_error_set(err, SH_ECONFLICT,
					 "case %s is already in this database (imported before?)",
					 rec.id);
	sh_error_init(err);
	rec.area = jsonh_str(k, "area");
	/* the youth: one already known here (the blind index under this county's key), or new */
	if ((rc = shcrypto_youth_key_new(&app->keys, ykey.key, &wrapped)))
		goto out;
	ykey.present = true;
	r->wrapped = (const unsigned char *)wrapped.data;
	r->wrapped_len = wrapped.len;
	if ((rc = identity_seal(&ykey, ident, &sealed)) ||
	    (rc = search_identity_terms(&app->keys, ident, req->arena, &terms, &nterms, err)))
		goto out;
	if (identity_blind_index(&app->keys, ident, blind)) {
		youth.blind_index = blind;
		if ((rc = store_youth_find(c, blind, &youth_id, err)))
			goto out;
	}
	if (youth_id) {
		/* its texts go under the key of the youth known here */
		if ((rc = store_youth_recoveries(c, youth_id, &recoveries, err)) ||
		    (rc = store_youth_key_get(c, youth_id, req->arena, &r->wrapped, &r->wrapped_len,
					      err)))
			goto out;
	} else {
		youth.identity = (const unsigned char *)sealed.data;
		youth.identity_len = sealed.len;
		youth.youth_key = r->wrapped;
		youth.youth_key_len = r->wrapped_len;
		if ((rc = store_youth_insert(c, &youth, err)) ||
		    (rc = store_youth_search_set(c, youth.id, search_key_id(&app->keys), terms,
						 nterms, err)))
			goto out;
		youth_id = youth.id;
	}
	rec.youth_id = youth_id;
	rec.recovery_no = recoveries + 1;
	rec.identified_at = jsonh_int(k, "identified_at", 0);
	rec.recorded_at = jsonh_int(k, "recorded_at", 0);
	rec.youth_status = jsonh_str(k, "youth_status");
	rec.protocol_id = r->protocol_id;
	rec.age = (int)jsonh_int(k, "age", 0);
	rec.age_estimated = jsonh_bool(k, "age_estimated", false);
	rec.gender = jsonh_str(k, "gender");
	rec.race_ethnicity = jsonh_str(k, "race_ethnicity");
	rec.last_assault_at = jsonh_int(k, "last_assault_at", 0);
	rec.name_confidential = jsonh_bool(k, "name_confidential", false);
	rec.indicators = jsonh_str(k, "indicators");
	/* the kind of the agency that identified the youth */
	json_array_foreach(json_object_get(r->p, "agencies"), i, g)
		if (jsonh_int(g, "id", 0) == jsonh_int(k, "identified_by_agency", 0) &&
		    (rc = map_agency(r, jsonh_int(g, "id", 0), jsonh_str(g, "kind"), rec.area,
				     &rec.identified_by_agency, err)))
			goto out;
	if (!rec.identified_by_agency) {
		rc = sh_error_set(err, SH_EINVAL, "the file does not say who identified the youth");
		goto out;
	}
	if ((rc = store_case_insert(c, &rec, err)))
		goto out;
	/* the agencies taking part now, each replaced by this county's of its kind */
	json_array_foreach(json_object_get(r->p, "agencies"), i, g) {
		int64_t to;
		if (jsonh_int(g, "left_at", 0))
			continue;
		if ((rc = map_agency(r, jsonh_int(g, "id", 0), jsonh_str(g, "kind"), rec.area, &to,
				     err)) ||
		    (rc = store_case_agency_add(c, rec.id, to, jsonh_str(g, "reason"), r->now,
						err)))
			goto out;
	}
	if ((rc = insert_events(r, c, rec.id, rec.area, err)) ||
	    (rc = casefile_load(req, c, rec.id, &cf, err)) ||
	    (rc = casefile_evaluate(req, &cf, r->exported_at, err)) ||
	    (rc = same_steps(r, &cf, err)) || (rc = casefile_evaluate(req, &cf, r->now, err)) ||
	    (rc = casefile_save_steps(c, req, &cf, err)) ||
	    (rc = summons_open(c, rec.id, rec.area, r->now, cf.agencies, cf.nagencies, cf.steps,
			       cf.nsteps, req->arena, err)))
		goto out;
	rc = audit_record(c, NULL, r->now, "case.transfer_in", rec.id, "core", "ok", r->detail,
			  err);
out:
	youth_key_wipe(&ykey);
	buf_release(&sealed);
	buf_release(&wrapped);
	return rc;
}

static enum sh_code read_file(const char *path, struct buf *out, struct sh_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return sh_error_set(err, SH_EIO, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > TRANSFER_FILE_MAX || buf_add(out, chunk, n)) {
			fclose(f);
			return sh_error_set(err, SH_EINVAL, "%s is not a transfer file", path);
		}
	}
	fclose(f);
	return SH_OK;
}

/* Does the payload hold what an import reads: the case (the one the envelope names) with
 * its facts, the identity, the protocol, and lists of agencies, entries and steps? */
static bool complete(const json_t *p, const char *case_id)
{
	const json_t *k = json_object_get(p, "case"), *pr = json_object_get(p, "protocol");
	static const char *const facts[] = { "id", "area", "youth_status", "indicators" };
	static const char *const lists[] = { "agencies", "events", "steps", "audit" };

	if (!json_is_object(k) || !json_is_object(json_object_get(p, "identity")) ||
	    !json_is_object(pr) || !jsonh_str(pr, "name") || !jsonh_str(pr, "version") ||
	    !jsonh_str(pr, "sha") || jsonh_int(p, "exported_at", 0) <= 0 ||
	    jsonh_int(k, "identified_at", 0) <= 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		if (!jsonh_str(k, facts[i]))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (!json_is_array(json_object_get(p, lists[i])))
			return false;
	return case_id && !strcmp(case_id, jsonh_str(k, "id"));
}

/* The envelope was signed by the county whose key is from (else SH_EINVAL). */
static enum sh_code check_sender(const json_t *env, const struct transfer_key *from,
				 struct sh_error *err)
{
	char from_hex[TRANSFER_KEY_HEX + 1];
	const char *given = jsonh_str(env, "from_key"), *sig_hex = jsonh_str(env, "signature");
	unsigned char sig[crypto_sign_BYTES];
	struct buf text = BUF_INIT;
	size_t len = 0;
	enum sh_code rc;

	transfer_key_hex(from, from_hex);
	if (!given || strcmp(given, from_hex))
		return sh_error_set(err, SH_EINVAL,
				    "this file was not sent by the county whose key you gave "
				    "(--from-key): it is not opened");
	if (!sig_hex ||
	    sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &len, NULL) ||
	    len != sizeof(sig))
		return sh_error_set(err, SH_EINVAL,
				    "this file carries no signature: it is not opened");
	if (!(rc = signed_text(env, &text)) &&
	    crypto_sign_verify_detached(sig, (const unsigned char *)text.data, text.len,
					from->sign))
		rc = sh_error_set(err, SH_EINVAL,
				  "the file's signature does not hold: it was changed after the "
				  "sending county wrote it, and it is not opened");
	buf_release(&text);
	return rc;
}

/* Opens the envelope: the payload, if the file was signed by the county whose key is from
 * and sealed to this county's key. */
static enum sh_code open_file(struct app *app, const struct buf *file,
			      const struct transfer_key *from, json_t **env, json_t **payload,
			      struct sh_error *err)
{
	unsigned char pk[SHCRYPTO_TRANSFER_KEY_LEN], sk[SHCRYPTO_TRANSFER_KEY_LEN];
	struct transfer_key mine;
	char pk_hex[TRANSFER_KEY_HEX + 1];
	const char *b64, *to_key;
	unsigned char *box = NULL;
	struct buf plain = BUF_INIT;
	size_t blen = 0;
	enum sh_code rc = SH_OK;

	*payload = NULL;
	*env = json_loadb(file->data, file->len, 0, NULL);
	if (!json_is_object(*env) || !jsonh_str(*env, "format") ||
	    strcmp(jsonh_str(*env, "format"), TRANSFER_FORMAT) ||
	    jsonh_int(*env, "version", 0) != TRANSFER_VERSION || !(b64 = jsonh_str(*env, "sealed")))
		return sh_error_set(err, SH_EINVAL,
				    "this is not a safeharbor case transfer file (version %d)",
				    TRANSFER_VERSION);
	transfer_key_of(&app->keys, &mine);
	transfer_key_hex(&mine, pk_hex);
	if (!(to_key = jsonh_str(*env, "to_key")) || strcmp(to_key, pk_hex))
		return sh_error_set(err, SH_EINVAL,
				    "this file was sealed for another county's key, not this "
				    "county's (safeharbor transfer-key): it cannot be opened here");
	if ((rc = check_sender(*env, from, err)))
		return rc;
	shcrypto_transfer_keypair(&app->keys, pk, sk);
	if (!(box = malloc(strlen(b64)))) {
		rc = no_mem(err);
		goto out;
	}
	if (sodium_base642bin(box, strlen(b64), b64, strlen(b64), NULL, &blen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    blen < crypto_box_SEALBYTES || buf_grow(&plain, blen - crypto_box_SEALBYTES + 1) ||
	    crypto_box_seal_open((unsigned char *)plain.data, box, blen, pk, sk)) {
		rc = sh_error_set(err, SH_EINVAL,
				  "the case in this file cannot be opened: it was damaged or "
				  "changed after it was sealed");
		goto out;
	}
	buf_setlen(&plain, blen - crypto_box_SEALBYTES);
	*payload = json_loadb(plain.data, plain.len, 0, NULL);
	if (!complete(*payload, jsonh_str(*env, "case_id")))
		rc = sh_error_set(err, SH_EINVAL, "the case in this file is not complete");
out:
	sodium_memzero(sk, sizeof(sk));
	buf_wipe(&plain);
	free(box);
	return rc;
}

/* What this county has that an import needs: the case's protocol version (the same text), its
 * agencies, and the ones chosen for their kinds (each must be one of them). */
static enum sh_code read_county(struct app *app, struct received *r, struct sh_error *err)
{
	json_t *p = json_object_get(r->p, "protocol");
	const char *name = jsonh_str(p, "name"), *version = jsonh_str(p, "version"),
		   *sha = jsonh_str(p, "sha");
	struct store_conn *c;
	struct protocol_rec *list;
	size_t n = 0;
	enum sh_code rc;

	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = store_protocol_list(c, r->req->arena, &list, &n, err);
	if (!rc)
		rc = store_agency_list(c, r->req->arena, &r->here, &r->nhere, err);
	store_read_end(c);
	for (size_t i = 0; !rc && i < n; i++)
		if (name && version && sha && !strcmp(list[i].name, name) &&
		    !strcmp(list[i].version, version) && !strcmp(list[i].sha, sha))
			r->protocol_id = list[i].id;
	/* an agency chosen for its kind is one of this county's, enabled */
	for (size_t i = 0; !rc && r->chosen && r->chosen[i]; i++) {
		size_t k = 0;
		while (k < r->nhere &&
		       (strcmp(r->here[k].name, r->chosen[i]) || r->here[k].disabled))
			k++;
		if (k == r->nhere)
			rc = sh_error_field(err, SH_EINVAL, "agency",
					    "no enabled agency named '%s' in this county",
					    r->chosen[i]);
	}
	if (!rc && !r->protocol_id)
		rc = sh_error_set(err, SH_ECONFLICT,
				  "the case runs under protocol %s version %s, which this county "
				  "has not loaded (with the same text): load it first "
				  "(safeharbor init --protocol FILE)",
				  name ? name : "?", version ? version : "?");
	return rc;
}

enum sh_code transfer_import(struct app *app, const char *in, const struct transfer_key *from_key,
			     const char *const *agencies, struct arena *a,
			     struct transfer_report *rep, struct sh_error *err)
{
	struct api_request req = { .arena = a, .app = app, .request_id = "transfer" };
	struct received r = { .req = &req, .chosen = agencies, .now = clock_now(&app->clock) };
	struct buf file = BUF_INIT;
	json_t *env = NULL;
	size_t nev, nag;
	enum sh_code rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = read_file(in, &file, err)) ||
	    (rc = open_file(app, &file, from_key, &env, &r.p, err)))
		goto out;
	shcrypto_hash_hex(file.data, file.len, rep->file_hash);
	r.from = jsonh_str(env, "from_county");
	rep->case_id = arena_strdup(a, jsonh_str(json_object_get(r.p, "case"), "id"));
	rep->county = r.from ? arena_strdup(a, r.from) : "another county";
	r.exported_at = jsonh_int(r.p, "exported_at", 0);
	nev = json_array_size(json_object_get(r.p, "events"));
	nag = json_array_size(json_object_get(r.p, "agencies")) + nev + 1;
	r.old_events = arena_alloc(a, (nev + 1) * sizeof(int64_t));
	r.new_events = arena_alloc(a, (nev + 1) * sizeof(int64_t));
	r.from_ids = arena_alloc(a, nag * sizeof(int64_t));
	r.to_ids = arena_alloc(a, nag * sizeof(int64_t));
	if (!rep->case_id || !r.old_events || !r.new_events || !r.from_ids || !r.to_ids) {
		rc = no_mem(err);
		goto out;
	}
	if ((rc = read_county(app, &r, err)))
		goto out;
	r.detail = arena_printf(a, "from %s; file %.16s; %zu entries, %zu audit rows in the file",
				rep->county, rep->file_hash, nev,
				json_array_size(json_object_get(r.p, "audit")));
	if ((rc = store_write(app->store, do_received, &r, err)))
		goto out;
	rep->events = nev;
	rep->steps = json_array_size(json_object_get(r.p, "steps"));
	rep->audit_rows = json_array_size(json_object_get(r.p, "audit"));
out:
	buf_wipe(&file);
	json_decref(env);
	json_decref(r.p);
	return rc;
}
