/*
 * SQLite backend: finding a youth and acting on cases (store/records_find.h): the search
 * index, case searches, the PC 293 election as it stands, each agency's named worker on a
 * case, caseloads, saved preferences.
 */
#include "lib/common.h"
#include "store/sqlite_internal.h"

static enum sh_code add_terms(struct sconn *sc, int64_t youth_id, const char *const *terms,
			      size_t n, struct sh_error *err)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO youth_search(term, youth_id) VALUES (?1, ?2)";
	enum sh_code rc;

	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = sq_prep(sc, sql, err);
		if (!st)
			return err->code;
		sq_bind_text(st, 1, terms[i]);
		sqlite3_bind_int64(st, 2, youth_id);
		if ((rc = sq_exec_stmt(sc, st, err)))
			return rc;
	}
	return SH_OK;
}

enum sh_code sqlite_youth_search_set(struct store_conn *c, int64_t youth_id, int64_t key_id,
				     const char *const *terms, size_t n, struct sh_error *err)
{
	static const char clear[] = "DELETE FROM youth_search WHERE youth_id = ?1";
	static const char mark[] = "UPDATE youth SET search_key = ?2 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;
	enum sh_code rc;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, clear, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, youth_id);
	if ((rc = sq_exec_stmt(sc, st, err)) || (rc = add_terms(sc, youth_id, terms, n, err)))
		return rc;
	if (!(st = sq_prep(sc, mark, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, youth_id);
	sqlite3_bind_int64(st, 2, key_id);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_youth_search_add(struct store_conn *c, int64_t youth_id,
				     const char *const *terms, size_t n, struct sh_error *err)
{
	if (sq_need_writer(c, err))
		return err->code;
	return add_terms(sconn_of(c), youth_id, terms, n, err);
}

static void map_youth_unindexed(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct youth_index_rec *r = rec;

	r->id = sqlite3_column_int64(st, 0);
	r->identity = sq_col_blob(st, 1, a, &r->identity_len);
	r->youth_key = sq_col_blob(st, 2, a, &r->youth_key_len);
}

enum sh_code sqlite_youth_unindexed(struct store_conn *c, int64_t key_id, int limit,
				    struct arena *a, struct youth_index_rec **out, size_t *n,
				    struct sh_error *err)
{
	static const char sql[] =
		"SELECT y.id, y.identity, yk.wrapped FROM youth y"
		" LEFT JOIN youth_keys yk ON yk.youth_id = y.id"
		" WHERE y.search_key <> ?1 AND y.sealed_at = 0 ORDER BY y.id LIMIT ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);

	if (st) {
		sqlite3_bind_int64(st, 1, key_id);
		sqlite3_bind_int(st, 2, limit);
	}
	return sq_rows(sc, st, map_youth_unindexed, a, out, n, sizeof(**out), err);
}

static void map_youth_verified_births(sqlite3_stmt *st, struct arena *a, void *rec)
{
	struct sealed_rec *r = rec;

	r->id = sqlite3_column_int64(st, 0);
	r->blob = sq_col_blob(st, 1, a, &r->len);
}

enum sh_code sqlite_youth_verified_births(struct store_conn *c, int64_t youth_id, struct arena *a,
					  struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT e.id, e.sealed FROM events e JOIN cases k ON k.id = e.case_id"
		" WHERE k.youth_id = ?1 AND e.type = 'birth_date_verified'"
		" AND e.sealed IS NOT NULL ORDER BY e.id";
	return sq_rows_id(sconn_of(c), sql, youth_id, map_youth_verified_births, a, out, n,
			  sizeof(**out), err);
}

/*
 * Every criterion given holds. The name and birth-date terms: the youth has all of them
 * (?3 of them, the others bound NULL, which match nothing). The agency takes part (now,
 * or ever for supervisors), so a search never reaches a case the caller may not see.
 */
enum sh_code sqlite_case_search(struct store_conn *c, const struct case_search *q, struct arena *a,
				const char ***out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT c.id FROM cases c JOIN case_agencies ca ON ca.case_id = c.id"
		" AND ca.agency_id = ?1 AND (?2 OR ca.left_at = 0)"
		" WHERE (?3 = 0 OR c.youth_id IN (SELECT youth_id FROM youth_search"
		"   WHERE term IN (?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		"   GROUP BY youth_id HAVING COUNT(*) = ?3))"
		" AND (?3 = 0 OR ?12 OR c.name_confidential = 0)"
		" AND (?13 IS NULL OR instr(c.id, ?13) > 0)"
		" AND (?14 IS NULL OR c.area = ?14)"
		" AND (?15 < 0 OR (c.closed_at = 0) = ?15)"
		" AND (?16 = 0 OR EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id"
		"   AND s.state = 'pending' AND (s.owner = ?17 OR s.also_owner = ?17)"
		"   AND s.due_at > 0 AND s.due_at < ?18))"
		" AND (?19 = 0 OR EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id"
		"   AND w.agency_id = ?1 AND w.user_id = ?19))"
		" ORDER BY c.identified_at DESC, c.id DESC LIMIT ?20";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	size_t cap = 0;
	bool row;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return err->code;
	if (q->nterms > CASE_SEARCH_TERMS)
		return sh_error_set(err, SH_EINTERNAL, "too many search terms");
	sqlite3_bind_int64(st, 1, q->agency_id);
	sqlite3_bind_int(st, 2, q->ever);
	sqlite3_bind_int(st, 3, (int)q->nterms);
	for (size_t i = 0; i < q->nterms; i++)
		sq_bind_text(st, 4 + (int)i, q->terms[i]);
	sqlite3_bind_int(st, 12, q->confidential_ok);
	sq_bind_text(st, 13, q->id_part);
	sq_bind_text(st, 14, q->area);
	sqlite3_bind_int(st, 15, q->open);
	sqlite3_bind_int(st, 16, q->overdue);
	sq_bind_text(st, 17, q->owner);
	sqlite3_bind_int64(st, 18, q->now);
	sqlite3_bind_int64(st, 19, q->worker_id);
	sqlite3_bind_int(st, 20, q->limit);
	while (!(rc = sq_step(sc, st, &row, err)) && row) {
		const char **slot = sq_push(a, (void **)out, n, &cap, sizeof(**out));
		if (!slot) {
			sqlite3_reset(st);
			return sq_no_mem(err);
		}
		*slot = sq_col_text(st, 0, a);
	}
	return rc;
}

enum sh_code sqlite_case_set_confidential(struct store_conn *c, const char *case_id,
					  bool confidential, struct sh_error *err)
{
	static const char sql[] = "UPDATE cases SET name_confidential = ?2 WHERE id = ?1";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sq_bind_text(st, 1, case_id);
	sqlite3_bind_int(st, 2, confidential);
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_case_worker_set(struct store_conn *c, const char *case_id, int64_t agency_id,
				    int64_t user_id, int64_t at, int64_t event_id,
				    struct sh_error *err)
{
	static const char put[] =
		"INSERT INTO case_workers(case_id, agency_id, user_id, assigned_at, event_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(case_id, agency_id) DO UPDATE SET"
		" user_id = excluded.user_id, assigned_at = excluded.assigned_at,"
		" event_id = excluded.event_id";
	static const char del[] = "DELETE FROM case_workers WHERE case_id = ?1 AND agency_id = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, user_id ? put : del, err)))
		return err->code;
	sq_bind_text(st, 1, case_id);
	sqlite3_bind_int64(st, 2, agency_id);
	if (user_id) {
		sqlite3_bind_int64(st, 3, user_id);
		sqlite3_bind_int64(st, 4, at);
		sqlite3_bind_int64(st, 5, event_id);
	}
	return sq_exec_stmt(sc, st, err);
}

enum sh_code sqlite_case_worker_get(struct store_conn *c, const char *case_id, int64_t agency_id,
				    int64_t *user_id, struct sh_error *err)
{
	static const char sql[] = "SELECT user_id FROM case_workers WHERE case_id = ?1"
				  " AND agency_id = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	*user_id = 0;
	if (!st)
		return err->code;
	sq_bind_text(st, 1, case_id);
	sqlite3_bind_int64(st, 2, agency_id);
	if ((rc = sq_step(sc, st, &row, err)) || !row)
		return rc;
	*user_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sqlite_case_worker_drop(struct store_conn *c, int64_t user_id, int64_t agency_id,
				     struct sh_error *err)
{
	static const char sql[] = "DELETE FROM case_workers WHERE user_id = ?1 AND agency_id = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, sql, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, agency_id);
	return sq_exec_stmt(sc, st, err);
}

/* The steps of kind ?2 overdue at ?3 on case c (SQL, for the caseload counts). */
#define OVERDUE_ON(c)                                                                        \
	"(SELECT COUNT(*) FROM case_steps s WHERE s.case_id = " c " AND s.state = 'pending'" \
	" AND (s.owner = ?2 OR s.also_owner = ?2) AND s.due_at > 0 AND s.due_at < ?3)"

enum sh_code sqlite_caseloads(struct store_conn *c, int64_t agency_id, const char *owner,
			      int64_t now, struct arena *a, struct caseload_rec **out, size_t *n,
			      struct sh_error *err)
{
	/* open cases the agency takes part in now, with this person named (or nobody) */
	static const char people[] =
		"SELECT u.id, u.display_name, u.username, u.disabled, COUNT(k.id),"
		" COALESCE(SUM(" OVERDUE_ON(
			"k.id") "), 0)"
				" FROM users u LEFT JOIN case_workers w ON w.user_id = u.id AND w.agency_id = ?1"
				" LEFT JOIN cases k ON k.id = w.case_id AND k.closed_at = 0 AND EXISTS (SELECT 1"
				"  FROM case_agencies ca WHERE ca.case_id = k.id AND ca.agency_id = ?1"
				"  AND ca.left_at = 0)"
				" WHERE u.agency_id = ?1 AND u.role IN ('member', 'supervisor')"
				" GROUP BY u.id ORDER BY u.display_name, u.id";
	static const char nobody[] = "SELECT COUNT(*), COALESCE(SUM(" OVERDUE_ON(
		"k.id") "), 0)"
			" FROM case_agencies ca JOIN cases k ON k.id = ca.case_id"
			" WHERE ca.agency_id = ?1 AND ca.left_at = 0 AND k.closed_at = 0"
			" AND NOT EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = k.id"
			"  AND w.agency_id = ?1)";
	struct sconn *sc = sconn_of(c);
	size_t cap = 0;
	bool row;
	enum sh_code rc = SH_OK;

	*out = NULL;
	*n = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		sqlite3_stmt *st = sq_prep(sc, pass ? nobody : people, err);
		if (!st)
			return err->code;
		sqlite3_bind_int64(st, 1, agency_id);
		sq_bind_text(st, 2, owner);
		sqlite3_bind_int64(st, 3, now);
		while (!(rc = sq_step(sc, st, &row, err)) && row) {
			struct caseload_rec *r = sq_push(a, (void **)out, n, &cap, sizeof(**out));
			int k = pass ? -4 : 0; /* the second statement has only the counts */
			if (!r) {
				sqlite3_reset(st);
				return sq_no_mem(err);
			}
			if (!pass) {
				r->user_id = sqlite3_column_int64(st, 0);
				r->name = sq_col_text(st, 1, a);
				r->username = sq_col_text(st, 2, a);
				r->disabled = sqlite3_column_int(st, 3) != 0;
			}
			r->open_cases = sqlite3_column_int64(st, 4 + k);
			r->overdue_steps = sqlite3_column_int64(st, 5 + k);
		}
	}
	return rc;
}

enum sh_code sqlite_pref_get(struct store_conn *c, int64_t user_id, const char *key,
			     struct arena *a, char **value, struct sh_error *err)
{
	static const char sql[] = "SELECT value FROM user_prefs WHERE user_id = ?1 AND key = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st = sq_prep(sc, sql, err);
	bool row;
	enum sh_code rc;

	*value = NULL;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	sq_bind_text(st, 2, key);
	if ((rc = sq_step(sc, st, &row, err)) || !row)
		return rc;
	*value = sq_col_text(st, 0, a);
	sqlite3_reset(st);
	return SH_OK;
}

enum sh_code sqlite_pref_set(struct store_conn *c, int64_t user_id, const char *key,
			     const char *value, int64_t at, struct sh_error *err)
{
	static const char put[] = "INSERT INTO user_prefs(user_id, key, value, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id, key) DO UPDATE SET"
				  " value = excluded.value, updated_at = excluded.updated_at";
	static const char del[] = "DELETE FROM user_prefs WHERE user_id = ?1 AND key = ?2";
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st;

	if (sq_need_writer(c, err) || !(st = sq_prep(sc, value ? put : del, err)))
		return err->code;
	sqlite3_bind_int64(st, 1, user_id);
	sq_bind_text(st, 2, key);
	if (value) {
		sq_bind_text(st, 3, value);
		sqlite3_bind_int64(st, 4, at);
	}
	return sq_exec_stmt(sc, st, err);
}
