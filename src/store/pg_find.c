/* PostgreSQL backend: the search index, case searches, named workers, caseloads and saved
 * filters (as sqlite_find.c). */
#include "lib/common.h"
#include "store/pg_internal.h"

static enum sh_code add_terms(struct store_conn *c, int64_t youth_id, const char *const *terms,
			      size_t n, struct sh_error *err)
{
	static const char sql[] =
		"INSERT INTO youth_search(term, youth_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
	enum sh_code rc = SH_OK;

	for (size_t i = 0; !rc && i < n; i++)
		rc = pg_write(c, sql, NULL, NULL, SQ_VALS(sq_text(terms[i]), sq_int(youth_id)),
			      err);
	return rc;
}

enum sh_code pg_youth_search_set(struct store_conn *c, int64_t youth_id, int64_t key_id,
				 const char *const *terms, size_t n, struct sh_error *err)
{
	static const char clear[] = "DELETE FROM youth_search WHERE youth_id = $1";
	static const char mark[] = "UPDATE youth SET search_key = $2 WHERE id = $1";
	enum sh_code rc;

	if ((rc = pg_write(c, clear, NULL, NULL, SQ_VALS(sq_int(youth_id)), err)) ||
	    (rc = add_terms(c, youth_id, terms, n, err)))
		return rc;
	return pg_write(c, mark, NULL, NULL, SQ_VALS(sq_int(youth_id), sq_int(key_id)), err);
}

enum sh_code pg_youth_search_add(struct store_conn *c, int64_t youth_id, const char *const *terms,
				 size_t n, struct sh_error *err)
{
	return add_terms(c, youth_id, terms, n, err);
}

static void map_text(const PGresult *res, int r, struct arena *a, void *rec)
{
	*(const char **)rec = pg_col_text(res, r, 0, a);
}

/*
 * Every criterion given holds. The name and birth-date terms: the youth has all of them
 * ($3 of them, the others bound NULL, which match nothing). The agency takes part (now,
 * or ever for supervisors), so a search never reaches a case the caller may not see.
 */
enum sh_code pg_case_search(struct store_conn *c, const struct case_search *q, struct arena *a,
			    const char ***out, size_t *n, struct sh_error *err)
{
	static const char sql[] =
		"SELECT c.id FROM cases c JOIN case_agencies ca ON ca.case_id = c.id"
		" AND ca.agency_id = $1 AND ($2::bigint <> 0 OR ca.left_at = 0)"
		" WHERE ($3::bigint = 0 OR c.youth_id IN (SELECT youth_id FROM youth_search"
		"   WHERE term IN ($4, $5, $6, $7, $8, $9, $10, $11)"
		"   GROUP BY youth_id HAVING COUNT(*) = $3))"
		" AND ($3 = 0 OR $12::bigint <> 0 OR c.name_confidential = 0)"
		" AND ($13::text IS NULL OR strpos(c.id, $13) > 0)"
		" AND ($14::text IS NULL OR c.area = $14)"
		" AND ($15::bigint < 0 OR CASE WHEN c.closed_at = 0 THEN 1 ELSE 0 END = $15)"
		" AND ($16::bigint = 0 OR EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id"
		"   AND s.state = 'pending' AND (s.owner = $17 OR s.also_owner = $17)"
		"   AND s.due_at > 0 AND s.due_at < $18))"
		" AND ($19::bigint = 0 OR EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id"
		"   AND w.agency_id = $1 AND w.user_id = $19))"
		" ORDER BY c.identified_at DESC, c.id DESC LIMIT $20";
	const char *t[CASE_SEARCH_TERMS] = { 0 };

	_Static_assert(CASE_SEARCH_TERMS == 8, "the SQL names eight terms, $4 to $11");
	*out = NULL;
	*n = 0;
	if (q->nterms > CASE_SEARCH_TERMS)
		return sh_error_set(err, SH_EINTERNAL, "too many search terms");
	for (size_t i = 0; i < q->nterms; i++)
		t[i] = q->terms[i];
	return pg_rows(
		pg_exec(pconn_of(c), sql,
			SQ_VALS(sq_int(q->agency_id), sq_int(q->ever), sq_int((int64_t)q->nterms),
				sq_text(t[0]), sq_text(t[1]), sq_text(t[2]), sq_text(t[3]),
				sq_text(t[4]), sq_text(t[5]), sq_text(t[6]), sq_text(t[7]),
				sq_int(q->confidential_ok), sq_text(q->id_part), sq_text(q->area),
				sq_int(q->open), sq_int(q->overdue), sq_text(q->owner),
				sq_int(q->now), sq_int(q->worker_id), sq_int(q->limit)),
			err),
		map_text, a, out, n, sizeof(**out), err);
}

/* The steps of kind $2 overdue at $3 on case c (SQL, for the caseload counts). */
#define OVERDUE_ON(c)                                                                        \
	"(SELECT COUNT(*) FROM case_steps s WHERE s.case_id = " c " AND s.state = 'pending'" \
	" AND (s.owner = $2 OR s.also_owner = $2) AND s.due_at > 0 AND s.due_at < $3)"

enum sh_code pg_caseloads(struct store_conn *c, int64_t agency_id, const char *owner, int64_t now,
			  struct arena *a, struct caseload_rec **out, size_t *n,
			  struct sh_error *err)
{
	/* open cases the agency takes part in now, with this person named (or nobody) */
	static const char people[] =
		"SELECT u.id, u.display_name, u.username, u.disabled, COUNT(k.id),"
		" COALESCE(SUM(" OVERDUE_ON(
			"k.id") "), 0)"
				" FROM users u LEFT JOIN case_workers w ON w.user_id = u.id AND w.agency_id = $1"
				" LEFT JOIN cases k ON k.id = w.case_id AND k.closed_at = 0 AND EXISTS (SELECT 1"
				"  FROM case_agencies ca WHERE ca.case_id = k.id AND ca.agency_id = $1"
				"  AND ca.left_at = 0)"
				" WHERE u.agency_id = $1 AND u.role IN ('member', 'supervisor')"
				" GROUP BY u.id ORDER BY u.display_name, u.id";
	static const char nobody[] = "SELECT COUNT(*), COALESCE(SUM(" OVERDUE_ON(
		"k.id") "), 0)"
			" FROM case_agencies ca JOIN cases k ON k.id = ca.case_id"
			" WHERE ca.agency_id = $1 AND ca.left_at = 0 AND k.closed_at = 0"
			" AND NOT EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = k.id"
			"  AND w.agency_id = $1)";
	enum sh_code rc = SH_OK;

	*out = NULL;
	*n = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		PGresult *res =
			pg_exec(pconn_of(c), pass ? nobody : people,
				SQ_VALS(sq_int(agency_id), sq_text(owner), sq_int(now)), err);
		int rows, k = pass ? -4 : 0; /* the second statement has only the counts */
		struct caseload_rec *all;

		if (!res)
			return err->code;
		rows = PQntuples(res);
		if (!(all = arena_alloc(a, (*n + (size_t)rows + 1) * sizeof(*all)))) {
			PQclear(res);
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		}
		if (*n)
			memcpy(all, *out, *n * sizeof(*all));
		for (int i = 0; i < rows; i++) {
			struct caseload_rec *r = &all[(*n)++];
			memset(r, 0, sizeof(*r));
			if (!pass) {
				r->user_id = pg_col_int(res, i, 0);
				r->name = pg_col_text(res, i, 1, a);
				r->username = pg_col_text(res, i, 2, a);
				r->disabled = pg_col_int(res, i, 3) != 0;
			}
			r->open_cases = pg_col_int(res, i, 4 + k);
			r->overdue_steps = pg_col_int(res, i, 5 + k);
		}
		*out = all;
		PQclear(res);
	}
	return rc;
}
