/* Written once for every backend: settings, protocols, youths and their keys, cases'
 * simple writes, participation, steps, the kept derivation and retention holds
 * (store/query.h). */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/query.h"

#define STORE_BACKEND sql
#include "store/backend.h"

/* ---- settings ---- */

enum sh_code sql_setting_get(struct store_conn *c, const char *key, struct arena *a, char **out,
			     struct sh_error *err)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?1";

	return sql_text_value(c, sql, a, out, SQ_VALS(sq_text(key)), err);
}

enum sh_code sql_setting_set(struct store_conn *c, const char *key, const char *value,
			     struct sh_error *err)
{
	static const char sql[] = "INSERT INTO settings(key, value) VALUES (?1, ?2) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_text(key), sq_text(value)), err);
}

/* ---- protocols ---- */

#define SQ_REC struct protocol_rec
static const struct sq_col protocol_cols[] = { SQ_C(id),	SQ_C(name), SQ_C(version),
					       SQ_C(effective), SQ_C(text), SQ_C(sha),
					       SQ_C(loaded_at) };
static const struct sq_col protocol_sha_cols[] = { SQ_C(id), SQ_C(sha) };
static const struct sq_query protocols_all =
	SQ_QUERY("SELECT id, name, version, effective, text, sha, loaded_at"
		 " FROM protocols ORDER BY id",
		 protocol_cols);
static const struct sq_query protocol_by_version = SQ_QUERY(
	"SELECT id, sha FROM protocols WHERE name = ?1 AND version = ?2", protocol_sha_cols);
#undef SQ_REC

enum sh_code sql_protocol_list(struct store_conn *c, struct arena *a, struct protocol_rec **out,
			       size_t *n, struct sh_error *err)
{
	return sql_rows(c, &protocols_all, a, out, n, NULL, 0, err);
}

enum sh_code sql_protocol_put(struct store_conn *c, struct protocol_rec *r, struct sh_error *err)
{
	static const char ins[] =
		"INSERT INTO protocols(name, version, effective, text, sha, loaded_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
	struct arena a = ARENA_INIT;
	struct protocol_rec had;
	enum sh_code rc;

	if (!c->writable)
		return sh_error_set(err, SH_EINTERNAL,
				    "a write was attempted on a read connection");
	rc = sql_row(c, &protocol_by_version, NULL, &a, &had,
		     SQ_VALS(sq_text(r->name), sq_text(r->version)), err);
	if (!rc && had.id) {
		bool same = had.sha && !strcmp(had.sha, r->sha);
		r->id = had.id;
		if (!same)
			rc = sh_error_set(err, SH_ECONFLICT,
					  "protocol %s version %s is already stored with different "
					  "content; give the changed file a new version",
					  r->name, r->version);
	} else if (!rc) {
		rc = sql_insert(c, ins, &r->id,
				SQ_VALS(sq_text(r->name), sq_text(r->version),
					sq_text(r->effective), sq_text(r->text), sq_text(r->sha),
					sq_int(r->loaded_at)),
				err);
	}
	arena_release(&a);
	return rc;
}

#define SQ_REC struct area_protocol_rec
static const struct sq_col area_protocol_cols[] = { SQ_C(area), SQ_C(protocol) };
static const struct sq_query area_protocols =
	SQ_QUERY("SELECT DISTINCT c.area, p.name FROM cases c"
		 " JOIN protocols p ON p.id = c.protocol_id ORDER BY 1, 2",
		 area_protocol_cols);
#undef SQ_REC

enum sh_code sql_report_area_protocols(struct store_conn *c, struct arena *a,
				       struct area_protocol_rec **out, size_t *n,
				       struct sh_error *err)
{
	return sql_rows(c, &area_protocols, a, out, n, NULL, 0, err);
}

/* ---- youths and their keys ---- */

enum sh_code sql_youth_find(struct store_conn *c, const char *blind_index, int64_t *id,
			    struct sh_error *err)
{
	static const char sql[] = "SELECT id FROM youth WHERE blind_index = ?1 ORDER BY id LIMIT 1";

	return sql_value(c, sql, id, SQ_VALS(sq_text(blind_index)), err);
}

enum sh_code sql_youth_insert(struct store_conn *c, struct youth_rec *r, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO youth(blind_index, identity, created_at)"
				  " VALUES (?1, ?2, ?3) RETURNING id";
	enum sh_code rc =
		sql_insert(c, sql, &r->id,
			   SQ_VALS(sq_text(r->blind_index), sq_blob(r->identity, r->identity_len),
				   sq_int(r->created_at)),
			   err);

	if (rc || !r->youth_key)
		return rc;
	return sql_youth_key_put(c, r->id, r->youth_key, r->youth_key_len, err);
}

enum sh_code sql_youth_recoveries(struct store_conn *c, int64_t youth_id, int *max_recovery,
				  struct sh_error *err)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(recovery_no), 0) FROM cases WHERE youth_id = ?1";
	int64_t v;
	enum sh_code rc = sql_value(c, sql, &v, SQ_VALS(sq_int(youth_id)), err);

	*max_recovery = (int)v;
	return rc;
}

struct youth_of {
	int64_t id, sealed_at;
};

#define SQ_REC struct youth_of
static const struct sq_col youth_of_cols[] = { SQ_C(id), SQ_C(sealed_at) };
static const struct sq_query youth_of_case = SQ_QUERY("SELECT y.id, y.sealed_at FROM cases c"
						      " JOIN youth y ON y.id = c.youth_id"
						      " WHERE c.id = ?1",
						      youth_of_cols);
#undef SQ_REC

enum sh_code sql_youth_of_case(struct store_conn *c, const char *case_id, int64_t *youth_id,
			       int64_t *sealed_at, struct sh_error *err)
{
	struct youth_of y;
	enum sh_code rc =
		sql_row(c, &youth_of_case, NULL, NULL, &y, SQ_VALS(sq_text(case_id)), err);

	*youth_id = y.id;
	*sealed_at = y.sealed_at;
	return rc;
}

struct blob {
	const unsigned char *data;
	size_t len;
};

#define SQ_REC struct blob
static const struct sq_col blob_cols[] = { SQ_B(data, len) };
static const struct sq_query youth_key =
	SQ_QUERY("SELECT wrapped FROM youth_keys WHERE youth_id = ?1", blob_cols);
#undef SQ_REC

enum sh_code sql_youth_key_get(struct store_conn *c, int64_t youth_id, struct arena *a,
			       const unsigned char **out, size_t *len, struct sh_error *err)
{
	struct blob b;
	enum sh_code rc = sql_row(c, &youth_key, NULL, a, &b, SQ_VALS(sq_int(youth_id)), err);

	*out = b.data;
	*len = b.len;
	return rc;
}

enum sh_code sql_youth_key_put(struct store_conn *c, int64_t youth_id, const unsigned char *wrapped,
			       size_t len, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO youth_keys(youth_id, wrapped) VALUES (?1, ?2)";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_int(youth_id), sq_blob(wrapped, len)), err);
}

/* ---- cases, participation, steps ---- */

enum sh_code sql_case_insert(struct store_conn *c, const struct case_rec *r, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO cases(id, youth_id, recovery_no, identified_at, recorded_at, area,"
		" youth_status, identified_by_agency, identified_by_user, protocol_id, age,"
		" age_estimated, gender, race_ethnicity, last_assault_at, name_confidential, indicators)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_text(r->id), sq_int(r->youth_id), sq_int(r->recovery_no),
				 sq_int(r->identified_at), sq_int(r->recorded_at), sq_text(r->area),
				 sq_text(r->youth_status), sq_int(r->identified_by_agency),
				 sq_int(r->identified_by_user), sq_int(r->protocol_id),
				 sq_int(r->age), sq_int(r->age_estimated), sq_text(r->gender),
				 sq_text(r->race_ethnicity), sq_int(r->last_assault_at),
				 sq_int(r->name_confidential),
				 sq_text(r->indicators ? r->indicators : "[]")),
			 err);
}

enum sh_code sql_case_set_closed(struct store_conn *c, const char *id, int64_t closed_at,
				 const char *reason, struct sh_error *err)
{
	static const char sql[] =
		"UPDATE cases SET closed_at = ?2, close_reason = ?3 WHERE id = ?1";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_text(id), sq_int(closed_at), sq_text(reason)), err);
}

enum sh_code sql_case_agency_add(struct store_conn *c, const char *case_id, int64_t agency_id,
				 const char *reason, int64_t at, struct sh_error *err)
{
	static const char sql[] = "INSERT INTO case_agencies(case_id, agency_id, reason, joined_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(case_id, agency_id)"
				  " DO UPDATE SET left_at = 0";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_text(case_id), sq_int(agency_id), sq_text(reason), sq_int(at)),
			 err);
}

struct part {
	bool joined;
	int64_t left_at;
};

#define SQ_REC struct part
static const struct sq_col part_cols[] = { SQ_C(joined), SQ_C(left_at) };
static const struct sq_query agency_part = SQ_QUERY(
	"SELECT 1, left_at FROM case_agencies WHERE case_id = ?1 AND agency_id = ?2", part_cols);
#undef SQ_REC

enum sh_code sql_case_agency_of(struct store_conn *c, const char *case_id, int64_t agency_id,
				bool *joined, int64_t *left_at, struct sh_error *err)
{
	struct part p;
	enum sh_code rc = sql_row(c, &agency_part, NULL, NULL, &p,
				  SQ_VALS(sq_text(case_id), sq_int(agency_id)), err);

	*joined = p.joined;
	*left_at = p.left_at;
	return rc;
}

#define SQ_REC struct step_rec
static const struct sq_col step_cols[] = { SQ_C(step),	  SQ_C(episode),   SQ_C(owner),
					   SQ_C(state),	  SQ_C(opened_at), SQ_C(due_at),
					   SQ_C(done_at), SQ_C(also_owner) };
static const struct sq_query steps_of_case =
	SQ_QUERY("SELECT step, episode, owner, state, opened_at, due_at, done_at, also_owner"
		 " FROM case_steps WHERE case_id = ?1 ORDER BY due_at, step, episode",
		 step_cols);
#undef SQ_REC

enum sh_code sql_steps_list(struct store_conn *c, const char *case_id, struct arena *a,
			    struct step_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &steps_of_case, a, out, n, SQ_VALS(sq_text(case_id)), err);
}

/* ---- the kept derivation (schema 15) ---- */

struct derived {
	const char *stamp, *steps; /* copies in the caller's arena */
};

#define SQ_REC struct derived
static const struct sq_col derived_cols[] = { SQ_C(stamp), SQ_C(steps) };
static const struct sq_query derived_of_case =
	SQ_QUERY("SELECT stamp, steps FROM case_derived WHERE case_id = ?1", derived_cols);
#undef SQ_REC

enum sh_code sql_derived_get(struct store_conn *c, const char *case_id, struct arena *a,
			     char **stamp, char **steps, struct sh_error *err)
{
	struct derived d;
	enum sh_code rc = sql_row(c, &derived_of_case, NULL, a, &d, SQ_VALS(sq_text(case_id)), err);

	*stamp = (char *)d.stamp;
	*steps = (char *)d.steps;
	return rc;
}

enum sh_code sql_derived_put(struct store_conn *c, const char *case_id, const char *stamp,
			     const char *steps, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO case_derived(case_id, stamp, steps) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(case_id) DO UPDATE SET stamp = excluded.stamp,"
		" steps = excluded.steps";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_text(case_id), sq_text(stamp), sq_text(steps)), err);
}

/* ---- retention holds ---- */

#define SQ_REC struct hold_rec
static const struct sq_col hold_cols[] = { SQ_C(case_id), SQ_C(reason), SQ_C(user_id),
					   SQ_C(set_at) };
static const struct sq_query holds_all = SQ_QUERY(
	"SELECT case_id, reason, user_id, set_at FROM case_holds ORDER BY case_id", hold_cols);
#undef SQ_REC

enum sh_code sql_hold_set(struct store_conn *c, const struct hold_rec *h, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO case_holds(case_id, reason, user_id, set_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(case_id) DO UPDATE SET reason = ?2, user_id = ?3, set_at = ?4";

	return sql_write(c, sql, NULL, NULL,
			 SQ_VALS(sq_text(h->case_id), sq_text(h->reason), sq_int(h->user_id),
				 sq_int(h->set_at)),
			 err);
}

enum sh_code sql_hold_clear(struct store_conn *c, const char *case_id, struct sh_error *err)
{
	static const char sql[] = "DELETE FROM case_holds WHERE case_id = ?1";

	return sql_write(c, sql, N_("no hold on this case"), NULL, SQ_VALS(sq_text(case_id)), err);
}

enum sh_code sql_hold_list(struct store_conn *c, struct arena *a, struct hold_rec **out, size_t *n,
			   struct sh_error *err)
{
	return sql_rows(c, &holds_all, a, out, n, NULL, 0, err);
}
