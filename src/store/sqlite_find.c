/*
 * SQLite backend: finding a youth and acting on cases (store/records_find.h): the search
 * index, case searches, the PC 293 election as it stands, each agency's named worker on a
 * case, caseloads, saved preferences.
 */
#include "lib/common.h"
#include "store/sqlite_internal.h"

static enum sh_code add_terms(struct store_conn *c, int64_t youth_id, const char *const *terms,
			      size_t n, struct sh_error *err)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO youth_search(term, youth_id) VALUES (?1, ?2)";
	enum sh_code rc = SH_OK;

	for (size_t i = 0; !rc && i < n; i++)
		rc = sq_write(c, sql, NULL, NULL, SQ_VALS(sq_text(terms[i]), sq_int(youth_id)),
			      err);
	return rc;
}

enum sh_code sqlite_youth_search_set(struct store_conn *c, int64_t youth_id, int64_t key_id,
				     const char *const *terms, size_t n, struct sh_error *err)
{
	static const char clear[] = "DELETE FROM youth_search WHERE youth_id = ?1";
	static const char mark[] = "UPDATE youth SET search_key = ?2 WHERE id = ?1";
	enum sh_code rc;

	if ((rc = sq_write(c, clear, NULL, NULL, SQ_VALS(sq_int(youth_id)), err)) ||
	    (rc = add_terms(c, youth_id, terms, n, err)))
		return rc;
	return sq_write(c, mark, NULL, NULL, SQ_VALS(sq_int(youth_id), sq_int(key_id)), err);
}

enum sh_code sqlite_youth_search_add(struct store_conn *c, int64_t youth_id,
				     const char *const *terms, size_t n, struct sh_error *err)
{
	return add_terms(c, youth_id, terms, n, err);
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
	const char *t[CASE_SEARCH_TERMS] = { 0 };
	sqlite3_stmt *st;
	size_t cap = 0;
	bool row;
	enum sh_code rc;

	_Static_assert(CASE_SEARCH_TERMS == 8, "the SQL names eight terms, ?4 to ?11");
	*out = NULL;
	*n = 0;
	if (q->nterms > CASE_SEARCH_TERMS)
		return sh_error_set(err, SH_EINTERNAL, "too many search terms");
	for (size_t i = 0; i < q->nterms; i++)
		t[i] = q->terms[i];
	st = sq_bind(sc, sql,
		     SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_int((int64_t)q->nterms),
			     sq_text(t[0]), sq_text(t[1]), sq_text(t[2]), sq_text(t[3]),
			     sq_text(t[4]), sq_text(t[5]), sq_text(t[6]), sq_text(t[7]),
			     sq_int(q->confidential_ok), sq_text(q->id_part), sq_text(q->area),
			     sq_int(q->open), sq_int(q->overdue), sq_text(q->owner), sq_int(q->now),
			     sq_int(q->worker_id), sq_int(q->limit)),
		     err);
	if (!st)
		return err->code;
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
		sqlite3_stmt *st =
			sq_bind(sc, pass ? nobody : people,
				SQ_VALS(sq_int(agency_id), sq_text(owner), sq_int(now)), err);
		if (!st)
			return err->code;
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
