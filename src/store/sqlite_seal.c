/* SQLite backend: sealing a youth's records by court order, retention and its holds. */
#include "lib/catalog.h"
#include "lib/common.h"
#include "store/sqlite_internal.h"

#define SQ_REC struct sealed_rec
static const struct sq_col sealed_cols[] = { SQ_C(id), SQ_B(blob, len) };
#undef SQ_REC

SQ_MAPPER(map_sealed, sealed_cols)

enum sh_code sqlite_youth_legacy_texts(struct store_conn *c, int64_t youth_id, struct arena *a,
				       struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT e.id, e.sealed FROM events e JOIN cases k ON k.id = e.case_id"
		" WHERE k.youth_id = ?1 AND substr(e.sealed, 1, 1) = X'01'"
		" ORDER BY e.id";

	return sq_rows_id(sconn_of(c), sql, youth_id, map_sealed, a, out, n, sizeof(**out), err);
}

enum sh_code sqlite_youth_seal(struct store_conn *c, int64_t youth_id, int64_t now, const char *why,
			       int64_t *ncases, struct sh_error *err)
{
	/* the key's bytes are overwritten before the row goes, so the page SQLite frees holds
	 * zeros, not the key (pages are reused, not wiped) */
	static const char *const shred[] = {
		"UPDATE youth_keys SET wrapped = zeroblob(length(wrapped)) WHERE youth_id = ?1",
		"DELETE FROM youth_keys WHERE youth_id = ?1",
		"DELETE FROM youth_search WHERE youth_id = ?1",
	};
	static const char state_sql[] = "SELECT sealed_at, (SELECT COUNT(*) FROM cases"
					" WHERE youth_id = ?1) FROM youth WHERE id = ?1";
	/* texts sealed under the field key before schema 13 cannot be shredded: overwritten */
	static const char legacy_sql[] =
		"SELECT e.id FROM events e JOIN cases k ON k.id = e.case_id"
		" WHERE k.youth_id = ?1 AND substr(e.sealed, 1, 1) = X'01'"
		" ORDER BY e.id";
	static const char clear_sql[] = "UPDATE events SET sealed = NULL WHERE id = ?1";
	static const char mark_sql[] = "UPDATE youth SET identity = X'', blind_index = NULL,"
				       " sealed_at = ?2, sealed_why = ?3 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	struct arena a = ARENA_INIT;
	sqlite3_stmt *st;
	int64_t *legacy = NULL;
	size_t nlegacy = 0, cap = 0;
	bool row;
	enum sh_code rc;

	*ncases = 0;
	if (sq_need_writer(c, err) ||
	    !(st = sq_bind(sc, state_sql, SQ_VALS(sq_int(youth_id)), err)))
		return err->code;
	if ((rc = sq_step(sc, st, &row, err)))
		return rc;
	if (!row)
		return sh_error_set(err, SH_ENOTFOUND, "no such youth");
	if (sqlite3_column_int64(st, 0)) {
		sqlite3_reset(st);
		return sh_error_set(err, SH_ECONFLICT, "this youth's records are already sealed");
	}
	*ncases = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	for (size_t i = 0; i < ARRAY_SIZE(shred); i++)
		if ((rc = sq_write(c, shred[i], NULL, NULL, SQ_VALS(sq_int(youth_id)), err)))
			return rc;
	if (!(st = sq_bind(sc, legacy_sql, SQ_VALS(sq_int(youth_id)), err)))
		return err->code;
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		int64_t *id = sq_push(&a, (void **)&legacy, &nlegacy, &cap, sizeof(*legacy));
		if (!id) {
			sqlite3_reset(st);
			rc = sq_no_mem(err);
			goto out;
		}
		*id = sqlite3_column_int64(st, 0);
	}
	for (size_t i = 0; !rc && i < nlegacy; i++) {
		/* the chain's latest word on the event is its row without the text */
		if (!(rc = sq_write(c, clear_sql, NULL, NULL, SQ_VALS(sq_int(legacy[i])), err)))
			rc = sq_event_reanchor(c, legacy[i], now, "sealed", err);
	}
	if (!rc)
		rc = sq_write(c, mark_sql, NULL, NULL,
			      SQ_VALS(sq_int(youth_id), sq_int(now), sq_text(why)), err);
out:
	arena_release(&a);
	return rc;
}

#define SQ_REC struct retention_rec
static const struct sq_col retention_cols[] = {
	SQ_C(youth_id), SQ_C(case_ids), SQ_C(last_closed_at),	      SQ_C(last_identified_at),
	SQ_C(last_age), SQ_C(held),	SQ_B(identity, identity_len), SQ_B(youth_key, youth_key_len)
};
#undef SQ_REC

SQ_MAPPER(map_retention, retention_cols)

enum sh_code sqlite_retention_candidates(struct store_conn *c, struct arena *a,
					 struct retention_rec **out, size_t *n,
					 struct sh_error *err)
{
	static const char sql[] =
		"SELECT y.id, (SELECT group_concat(id, ' ') FROM (SELECT id FROM cases"
		"   WHERE youth_id = y.id ORDER BY recovery_no)),"
		" MAX(c.closed_at), MAX(c.identified_at),"
		" (SELECT age FROM cases WHERE youth_id = y.id ORDER BY recovery_no DESC LIMIT 1),"
		" EXISTS (SELECT 1 FROM case_holds h JOIN cases k ON k.id = h.case_id"
		"   WHERE k.youth_id = y.id),"
		" y.identity, yk.wrapped"
		" FROM youth y JOIN cases c ON c.youth_id = y.id"
		" LEFT JOIN youth_keys yk ON yk.youth_id = y.id"
		" WHERE y.sealed_at = 0 GROUP BY y.id HAVING MIN(c.closed_at) > 0 ORDER BY y.id";
	struct sconn *sc = sconn_of(c);

	return sq_rows(sc, sq_prep(sc, sql, err), map_retention, a, out, n, sizeof(**out), err);
}
