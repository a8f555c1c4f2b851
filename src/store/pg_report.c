/*
 * PostgreSQL backend: when the data was last written (the report's "as of") and the state's
 * CSEC indicators (as sqlite_report.c). The Board report's aggregate queries
 * (report_board) are not written yet: pg_missing.c answers for them.
 */
#include "lib/common.h"
#include "store/pg_internal.h"

#define NOT_AMENDED(e) "NOT EXISTS (SELECT 1 FROM events a WHERE a.amends = " e ".id)"

/* the latest time anything was recorded, among the newest rows of the append-only tables
 * (rows are appended in time order; the window allows for loaders that backdate a little) */
static const char q_as_of[] =
	"SELECT greatest(coalesce((SELECT max(recorded_at) FROM (SELECT recorded_at FROM events"
	"  ORDER BY id DESC LIMIT 1000) e), 0),"
	" coalesce((SELECT max(recorded_at) FROM (SELECT recorded_at FROM cases"
	"  ORDER BY seq DESC LIMIT 1000) c), 0),"
	" coalesce((SELECT max(created_at) FROM prosecutions), 0))";

enum sh_code pg_report_as_of(struct store_conn *c, int64_t *as_of, struct sh_error *err)
{
	return pg_value(pg_exec(pconn_of(c), q_as_of, PG_NONE, err), as_of, err);
}

/* $1 from, $2 to, $3 one case or NULL; as sqlite_report.c's q_csec */
static const char q_csec[] =
	"SELECT c.id, c.identified_at,"
	" coalesce((SELECT e.data::jsonb ->> 'status' FROM events e"
	"  WHERE e.case_id = c.id AND e.type = 'status_determined' AND " NOT_AMENDED(
		"e") "  ORDER BY e.id DESC LIMIT 1), c.youth_status),"
		     " EXISTS (SELECT 1 FROM cases p JOIN events m ON m.case_id = p.id"
		     "  WHERE p.youth_id = c.youth_id AND p.recovery_no < c.recovery_no"
		     "  AND m.type = 'missing_start' AND m.at <= c.identified_at AND " NOT_AMENDED(
			     "m") "  AND NOT EXISTS (SELECT 1 FROM events r WHERE r.case_id = p.id"
				  "   AND r.type = 'missing_end' AND r.id > m.id AND r.at <= c.identified_at"
				  "   AND " NOT_AMENDED(
					  "r") ")),"
					       " (SELECT count(*) FROM events m WHERE m.case_id = c.id AND m.type = 'missing_start'"
					       "  AND " NOT_AMENDED(
						       "m") "),"
							    " x.id, x.at, x.data"
							    " FROM cases c LEFT JOIN events x ON x.id = (SELECT max(e.id) FROM events e"
							    "  WHERE e.case_id = c.id AND e.type = 'csec_indicators' AND " NOT_AMENDED(
								    "e") ")"
									 " WHERE ($3::text IS NULL AND c.identified_at >= $1 AND c.identified_at < $2)"
									 " OR c.id = $3 ORDER BY c.identified_at, c.id";

#define SQ_REC struct csec_rec
static const struct sq_col csec_cols[] = { SQ_C(case_id),	   SQ_C(identified_at),
					   SQ_C(status),	   SQ_C(missing_at_identification),
					   SQ_C(missing_episodes), SQ_C(confirmed_id),
					   SQ_C(confirmed_at),	   SQ_C(confirmed) };
#undef SQ_REC

PG_MAPPER(map_csec, csec_cols)

enum sh_code pg_csec_list(struct store_conn *c, int64_t from, int64_t to, const char *case_id,
			  struct arena *a, struct csec_rec **out, size_t *n, struct sh_error *err)
{
	return pg_rows(pg_exec(pconn_of(c), q_csec,
			       PG_VALS(pg_int(from), pg_int(to), pg_text(case_id)), err),
		       map_csec, a, out, n, sizeof(**out), err);
}
