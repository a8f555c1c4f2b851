/* PostgreSQL backend: sealing a youth's records by court order, retention and its holds;
 * listing and replacing sealed values (key rotation); the counts /metrics shows (as
 * sqlite_seal.c, sqlite_sealed.c and sqlite_gauges.c). */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/pg_internal.h"

/* A value sealed under the field key (format 1), as SQL on column col. */
#define FIELD_KEY_SEALED(col) "substring(" col " from 1 for 1) = '\\x01'::bytea"

#define SQ_REC struct sealed_rec
static const struct sq_col sealed_cols[] = { SQ_C(id), SQ_B(blob, len) };
#undef SQ_REC

PG_MAPPER(map_sealed, sealed_cols)

enum sh_code pg_youth_legacy_texts(struct store_conn *c, int64_t youth_id, struct arena *a,
				   struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] = "SELECT e.id, e.sealed FROM events e JOIN cases k"
				  " ON k.id = e.case_id WHERE k.youth_id = $1"
				  " AND " FIELD_KEY_SEALED("e.sealed") " ORDER BY e.id";

	return pg_rows(pg_exec(pconn_of(c), sql, SQ_VALS(sq_int(youth_id)), err), map_sealed, a,
		       out, n, sizeof(**out), err);
}

/*
 * As SQLite's: the youth's key and index go, texts sealed under the field key are cleared
 * (each re-anchored in the chain), the identity emptied. The key's bytes are overwritten
 * first; on PostgreSQL the row versions before stay in the table file until VACUUM reuses
 * their space (and in the WAL until it is recycled): docs/architecture.md.
 */
enum sh_code pg_youth_seal(struct store_conn *c, int64_t youth_id, int64_t now, const char *why,
			   int64_t *ncases, struct sh_error *err)
{
	static const char *const shred[] = {
		("UPDATE youth_keys SET wrapped = decode(repeat('00', length(wrapped)), 'hex')"
		 " WHERE youth_id = $1"),
		"DELETE FROM youth_keys WHERE youth_id = $1",
		"DELETE FROM youth_search WHERE youth_id = $1",
	};
	static const char state_sql[] = "SELECT sealed_at, (SELECT COUNT(*) FROM cases"
					" WHERE youth_id = $1) FROM youth WHERE id = $1";
	static const char legacy_sql[] = "SELECT e.id FROM events e JOIN cases k"
					 " ON k.id = e.case_id WHERE k.youth_id = $1"
					 " AND " FIELD_KEY_SEALED("e.sealed") " ORDER BY e.id";
	static const char clear_sql[] = "UPDATE events SET sealed = NULL WHERE id = $1";
	static const char mark_sql[] = "UPDATE youth SET identity = ''::bytea, blind_index = NULL,"
				       " sealed_at = $2, sealed_why = $3 WHERE id = $1";
	PGresult *res;
	int64_t sealed_at;
	enum sh_code rc = SH_OK;

	*ncases = 0;
	if (pg_need_writer(c, err) ||
	    !(res = pg_exec(pconn_of(c), state_sql, SQ_VALS(sq_int(youth_id)), err)))
		return err->code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return sh_error_set(err, SH_ENOTFOUND, "no such youth");
	}
	sealed_at = pg_col_int(res, 0, 0);
	*ncases = pg_col_int(res, 0, 1);
	PQclear(res);
	if (sealed_at)
		return sh_error_set(err, SH_ECONFLICT, "this youth's records are already sealed");
	for (size_t i = 0; i < ARRAY_SIZE(shred); i++)
		if ((rc = pg_write(c, shred[i], NULL, NULL, SQ_VALS(sq_int(youth_id)), err)))
			return rc;
	if (!(res = pg_exec(pconn_of(c), legacy_sql, SQ_VALS(sq_int(youth_id)), err)))
		return err->code;
	for (int i = 0; !rc && i < PQntuples(res); i++) {
		int64_t id = pg_col_int(res, i, 0);
		/* the chain's latest word on the event is its row without the text */
		if (!(rc = pg_write(c, clear_sql, NULL, NULL, SQ_VALS(sq_int(id)), err)))
			rc = pg_event_reanchor(c, id, now, "sealed", err);
	}
	PQclear(res);
	if (!rc)
		rc = pg_write(c, mark_sql, NULL, NULL,
			      SQ_VALS(sq_int(youth_id), sq_int(now), sq_text(why)), err);
	return rc;
}

#define SQ_REC struct retention_rec
static const struct sq_col retention_cols[] = {
	SQ_C(youth_id), SQ_C(case_ids), SQ_C(last_closed_at),	      SQ_C(last_identified_at),
	SQ_C(last_age), SQ_C(held),	SQ_B(identity, identity_len), SQ_B(youth_key, youth_key_len)
};
#undef SQ_REC

PG_MAPPER(map_retention, retention_cols)

enum sh_code pg_retention_candidates(struct store_conn *c, struct arena *a,
				     struct retention_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT y.id, (SELECT string_agg(id, ' ' ORDER BY recovery_no) FROM cases"
		"   WHERE youth_id = y.id),"
		" MAX(c.closed_at), MAX(c.identified_at),"
		" (SELECT age FROM cases WHERE youth_id = y.id ORDER BY recovery_no DESC LIMIT 1),"
		" EXISTS (SELECT 1 FROM case_holds h JOIN cases k ON k.id = h.case_id"
		"   WHERE k.youth_id = y.id),"
		" y.identity, yk.wrapped"
		" FROM youth y JOIN cases c ON c.youth_id = y.id"
		" LEFT JOIN youth_keys yk ON yk.youth_id = y.id"
		" WHERE y.sealed_at = 0 GROUP BY y.id, yk.wrapped HAVING MIN(c.closed_at) > 0"
		" ORDER BY y.id";

	return pg_rows(pg_exec(pconn_of(c), sql, PG_NONE, err), map_retention, a, out, n,
		       sizeof(**out), err);
}

/* ---- sealed values (key rotation) ---- */

static const char *const list_sql[] = {
	[SEALED_IDENTITY] = "SELECT id, identity FROM youth ORDER BY id",
	/* texts under the field key (format 1); those under a youth's key stay as they are */
	[SEALED_EVENT_TEXT] =
		"SELECT id, sealed FROM events WHERE " FIELD_KEY_SEALED("sealed") " ORDER BY id",
	[SEALED_DEFENDANT_NAME] = "SELECT id, name_sealed FROM defendants ORDER BY id",
	[SEALED_WEBHOOK_SECRET] = "SELECT user_id, webhook_secret FROM user_channels"
				  " WHERE webhook_secret IS NOT NULL ORDER BY user_id",
	[SEALED_TOTP_SECRET] = "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL"
			       " ORDER BY id",
	[SEALED_YOUTH_KEY] = "SELECT youth_id, wrapped FROM youth_keys ORDER BY youth_id",
};

static const char *const set_sql[] = {
	[SEALED_IDENTITY] = "UPDATE youth SET identity = $2, blind_index = $3 WHERE id = $1",
	[SEALED_EVENT_TEXT] = "UPDATE events SET sealed = $2 WHERE id = $1 AND $3::text IS NULL",
	[SEALED_DEFENDANT_NAME] =
		"UPDATE defendants SET name_sealed = $2 WHERE id = $1 AND $3::text IS NULL",
	[SEALED_WEBHOOK_SECRET] = ("UPDATE user_channels SET webhook_secret = $2"
				   " WHERE user_id = $1 AND $3::text IS NULL"),
	[SEALED_TOTP_SECRET] =
		"UPDATE users SET totp_secret = $2 WHERE id = $1 AND $3::text IS NULL",
	[SEALED_YOUTH_KEY] =
		"UPDATE youth_keys SET wrapped = $2 WHERE youth_id = $1 AND $3::text IS NULL",
};

/* only values under the field key (format 1) tell whether the key file is this database's */
static const char *const first_sql[] = {
	[SEALED_IDENTITY] = "SELECT id, identity FROM youth WHERE " FIELD_KEY_SEALED(
		"identity") " ORDER BY id LIMIT 1",
	[SEALED_EVENT_TEXT] = "SELECT id, sealed FROM events WHERE " FIELD_KEY_SEALED(
		"sealed") " ORDER BY id LIMIT 1",
	[SEALED_DEFENDANT_NAME] = "SELECT id, name_sealed FROM defendants ORDER BY id LIMIT 1",
	[SEALED_WEBHOOK_SECRET] = "SELECT user_id, webhook_secret FROM user_channels"
				  " WHERE webhook_secret IS NOT NULL ORDER BY user_id LIMIT 1",
	[SEALED_TOTP_SECRET] = "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL"
			       " ORDER BY id LIMIT 1",
	[SEALED_YOUTH_KEY] = "SELECT youth_id, wrapped FROM youth_keys ORDER BY youth_id LIMIT 1",
};

/* (id, value) into a sealed_rec; a NULL value reads as an empty one */
static void read_sealed(const PGresult *res, int r, struct arena *a, void *rec)
{
	struct sealed_rec *s = rec;

	map_sealed(res, r, a, rec);
	if (!s->blob && !s->len)
		s->blob = arena_alloc(a, 1);
}

enum sh_code pg_sealed_list(struct store_conn *c, enum sealed_kind kind, struct arena *a,
			    struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if ((unsigned)kind >= ARRAY_SIZE(list_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	rc = pg_rows(pg_exec(pconn_of(c), list_sql[kind], PG_NONE, err), read_sealed, a, out, n,
		     sizeof(**out), err);
	for (size_t i = 0; !rc && i < *n; i++)
		if (!(*out)[i].blob)
			rc = sh_error_set(err, SH_ENOMEM, "out of memory");
	return rc;
}

enum sh_code pg_sealed_first(struct store_conn *c, enum sealed_kind kind, struct arena *a,
			     struct sealed_rec *r, struct sh_error *err)
{
	enum sh_code rc;

	memset(r, 0, sizeof(*r));
	if ((unsigned)kind >= ARRAY_SIZE(first_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	rc = pg_row(pg_exec(pconn_of(c), first_sql[kind], PG_NONE, err), read_sealed, a, r,
		    sizeof(*r), NULL, err);
	if (!r->len)
		r->blob = NULL; /* no row, or an empty value: nothing to open */
	return rc || !r->len || r->blob ? rc : sh_error_set(err, SH_ENOMEM, "out of memory");
}

enum sh_code pg_sealed_set(struct store_conn *c, enum sealed_kind kind, const struct sealed_rec *r,
			   const char *blind_index, struct sh_error *err)
{
	enum sh_code rc;

	if ((unsigned)kind >= ARRAY_SIZE(set_sql))
		return sh_error_set(err, SH_EINTERNAL, "unknown sealed kind");
	if ((rc = pg_write(c, set_sql[kind], NULL, NULL,
			   SQ_VALS(sq_int(r->id), sq_blob(r->blob, r->len), sq_text(blind_index)),
			   err)))
		return rc;
	/* a re-sealed event is anchored again: the chain's latest word on it is its new row */
	if (kind == SEALED_EVENT_TEXT)
		return pg_event_reanchor(c, r->id, (int64_t)time(NULL), "re-sealed", err);
	return SH_OK;
}

/* ---- the counts /metrics shows (counts only; no ids, no names) ---- */

static enum sh_code count(struct store_conn *c, const char *sql, int64_t *out, struct sh_error *err)
{
	return pg_value(pg_exec(pconn_of(c), sql, PG_NONE, err), out, err);
}

struct gauge_kind {
	const char *kind;
	int64_t overdue;
};

static void map_overdue(const PGresult *res, int r, struct arena *a, void *rec)
{
	struct gauge_kind *k = rec;

	k->kind = pg_col_text(res, r, 0, a);
	k->overdue = pg_col_int(res, r, 1);
}

enum sh_code pg_gauges(struct store_conn *c, int64_t now, struct arena *a, struct store_gauges *out,
		       struct sh_error *err)
{
	/* a step with two owners is owed by both kinds */
	static const char overdue[] =
		"SELECT k, count(*) FROM ("
		" SELECT s.owner AS k FROM case_steps s JOIN cases c ON c.id = s.case_id"
		"  WHERE s.state = 'pending' AND s.due_at > 0 AND s.due_at < $1"
		"  AND c.closed_at = 0 AND s.owner IS NOT NULL"
		" UNION ALL"
		" SELECT s.also_owner FROM case_steps s JOIN cases c ON c.id = s.case_id"
		"  WHERE s.state = 'pending' AND s.due_at > 0 AND s.due_at < $1"
		"  AND c.closed_at = 0 AND s.also_owner IS NOT NULL"
		") o GROUP BY k ORDER BY k";
	struct gauge_kind *kinds;
	size_t n;
	enum sh_code rc;

	memset(out, 0, sizeof(*out));
	if ((rc = count(c, "SELECT count(*) FROM outbox WHERE status = 'pending'",
			&out->outbox_pending, err)) ||
	    (rc = count(c, "SELECT count(*) FROM outbox WHERE status = 'failed'",
			&out->outbox_failed, err)) ||
	    (rc = count(c,
			"SELECT count(*) FROM summons s JOIN cases c ON c.id = s.case_id"
			" WHERE s.acked_at = 0 AND c.closed_at = 0",
			&out->summons_unacked, err)) ||
	    (rc = count(c, "SELECT coalesce(max(seq), 0) FROM audit", &out->audit_rows, err)) ||
	    (rc = pg_rows(pg_exec(pconn_of(c), overdue, SQ_VALS(sq_int(now)), err), map_overdue, a,
			  &kinds, &n, sizeof(*kinds), err)))
		return rc;
	for (size_t i = 0; i < n && out->nkinds < GAUGES_MAX_KINDS; i++) {
		if (!kinds[i].kind)
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		out->overdue[out->nkinds].kind = kinds[i].kind;
		out->overdue[out->nkinds++].overdue = kinds[i].overdue;
	}
	return SH_OK;
}
