/*
 * PostgreSQL backend: the Board report's aggregate queries, when the data was last written
 * (the report's "as of"), the areas' protocols and the state's CSEC indicators: the same
 * statements as sqlite_report.c (read its comments for what each counts), translated.
 *
 * Translation: json_extract becomes ->> (text) or sh_json_int(-> ) (an integer or a JSON
 * boolean as 0/1, migration 16); sum(condition) becomes count(*) FILTER; SQLite's bare
 * columns beside max() (the row holding the latest check; the first in event order among
 * equal times) become DISTINCT ON; cases.rowid becomes cases.seq. Every statement starts
 * with the unused CTE `pars`, which types $1..$14 (the parameters, numbered as SQLite's ?1..?14:
 * sqlite_report.c's header) so that each statement takes all fourteen.
 */
#include "lib/common.h"
#include "store/pg_internal.h"
#include "store/report_cols.h"

#define NOT_AMENDED(e) "NOT EXISTS (SELECT 1 FROM events a WHERE a.amends = " e ".id)"

/* clang-format off */
#define PARS                                                                                \
	"WITH pars AS (SELECT $1::bigint, $2::bigint, $3::bigint, $4::text, $5::bigint,"    \
	" $6::text, $7::bigint, $8::bigint, $9::text, $10::bigint, $11::bigint, $12::bigint," \
	" $13::bigint, $14::bigint)"
#define PERIOD(t) "CASE WHEN " t " >= $2 THEN 0 ELSE 1 END"
#define IN_RANGE(t) t " >= $1 AND " t " < $3"
#define AREA_OK "($4 IS NULL OR c.area = $4)"
#define J(e, f) "(" e ".data::jsonb ->> '" f "')"
#define J_INT(e, f) "sh_json_int(" e ".data::jsonb -> '" f "')"

static const char q_cases[] =
	PARS ", r AS MATERIALIZED ("
	" SELECT " PERIOD("c.identified_at") " AS p, c.area, c.identified_by_agency AS ag,"
	"  c.recovery_no > 1 AS re,"
	"  NOT EXISTS (SELECT 1 FROM cases c2 WHERE c2.youth_id = c.youth_id"
	"   AND c2.recovery_no < c.recovery_no"
	"   AND c2.identified_at >= CASE WHEN c.identified_at >= $2 THEN $2 ELSE $1 END"
	"   AND c2.identified_at < CASE WHEN c.identified_at >= $2 THEN $3 ELSE $2 END"
	"   AND ($4 IS NULL OR c2.area = $4)) AS first,"
	"  c.age, c.gender, c.race_ethnicity AS race"
	" FROM cases c WHERE " IN_RANGE("c.identified_at") " AND " AREA_OK ")"
	" SELECT p, area, ag, re, first, age, gender, race, count(*) FROM r"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";

static const char q_events[] =
	PARS " SELECT " PERIOD("e.at") ", c.area, c.identified_by_agency,"
	" CASE WHEN e.type = 'placement' THEN 'detention' ELSE e.type END,"
	" CASE WHEN e.type = 'arrest' AND " J("e", "prostitution_related") " IS NULL"
	"  THEN " J("e", "offense") " END,"
	" coalesce(" J_INT("e", "prostitution_related") ", -1),"
	" coalesce(" J_INT("e", "minor") ", (c.age < 18)::int), count(*)"
	" FROM events e JOIN cases c ON c.id = e.case_id"
	" WHERE e.type IN ('arrest', 'refused_arrest', 'placement') AND " IN_RANGE("e.at")
	" AND " AREA_OK
	" AND (e.type <> 'placement' OR " J("e", "setting") " = 'detention'"
	"  OR " J_INT("e", "detention") " = 1)"
	" AND " NOT_AMENDED("e") " GROUP BY 1, 2, 3, 4, 5, 6, 7";

static const char q_exploiters[] =
	PARS ", x AS MATERIALIZED ("
	" SELECT " PERIOD("e.at") " AS p, c.area, c.identified_by_agency AS ag,"
	"  " J("e", "role") " = 'buyer' AS buyer,"
	"  row_number() OVER (PARTITION BY " PERIOD("e.at") ", " J("e", "role") ","
	"   coalesce(" J("e", "person_key") ", 'event:' || e.id)"
	"   ORDER BY e.at, e.id) AS rn"
	" FROM events e JOIN cases c ON c.id = e.case_id"
	" WHERE e.type = 'exploiter_arrest' AND " IN_RANGE("e.at") " AND " AREA_OK
	" AND " NOT_AMENDED("e") ")"
	" SELECT p, area, ag, buyer, count(*), count(*) FILTER (WHERE rn = 1) FROM x"
	" GROUP BY 1, 2, 3, 4";

static const char q_steps[] =
	PARS " SELECT " PERIOD("c.identified_at") ", c.area, c.identified_by_agency, s.step,"
	" s.state, s.opened_at, s.due_at, s.done_at"
	" FROM cases c JOIN case_steps s ON s.case_id = c.id"
	" WHERE " IN_RANGE("c.identified_at") " AND " AREA_OK
	" AND s.state IN ('done', 'pending')";

static const char q_missing[] =
	PARS ", r AS MATERIALIZED ("
	" SELECT " PERIOD("e.at") " AS p, c.area, c.identified_by_agency AS ag,"
	"  (SELECT CASE WHEN count(*) = 0 THEN 'none'"
	"    WHEN count(*) FILTER (WHERE s.state = 'waived'"
	"     OR (s.state = 'done' AND s.done_at > s.due_at)"
	"     OR (s.state = 'pending' AND s.due_at > 0 AND s.due_at < $5)) > 0 THEN 'late'"
	"    WHEN count(*) FILTER (WHERE s.state = 'pending') > 0 THEN 'not_due'"
	"    ELSE 'on_time' END"
	"   FROM case_steps s WHERE s.case_id = e.case_id"
	"   AND s.step IN (SELECT jsonb_array_elements_text($6::jsonb)) AND s.episode > 0"
	"   AND s.opened_at = e.at AND s.state <> 'not_applicable') AS cls"
	" FROM events e JOIN cases c ON c.id = e.case_id"
	" WHERE e.type = 'missing_start' AND " IN_RANGE("e.at") " AND " AREA_OK
	" AND " NOT_AMENDED("e") ")"
	" SELECT p, area, ag, cls, count(*) FROM r GROUP BY 1, 2, 3, 4";

#define DETAINED(col, val, at)                                                          \
	"coalesce((SELECT pl.detained FROM stability_events pl WHERE pl." col " = " val \
	" AND pl.type = 'placement' AND pl.at <= " at                                   \
	" ORDER BY pl.at DESC, pl.event_id DESC LIMIT 1), 0) <> 0"

/* the latest check among the rows joined as e, per key (SQLite's max(e.at) with bare
 * columns: the first in event order among equal times) */
#define LATEST_CHECK(key) \
	"SELECT DISTINCT ON (" key ") " key ", e.at, e.stable AS st, e.safe_placement AS sp," \
	" e.engaged AS en"
#define LATEST_ORDER(key) " ORDER BY " key ", e.at DESC, e.event_id"

#define MISSING_BEFORE(col, val, at, since)                                                  \
	"$8 > 0 AND coalesce((SELECT"                                                        \
	" sum(CASE WHEN m.at <= " at " - $8 * 86400"                                         \
	"  THEN 2 * (m.type = 'missing_start')::int - 1 ELSE 0 END) > 0"                     \
	" OR count(*) FILTER (WHERE m.at > " at " - $8 * 86400) > 0"                         \
	" FROM stability_events m WHERE m." col " = " val                                    \
	" AND m.type IN ('missing_start', 'missing_end') AND m.at <= " at since "), false)"

static const char q_stability[] =
	PARS ", n(days) AS (VALUES (30), (90), (180)),"
	" cohort AS MATERIALIZED ("
	"  SELECT c.seq * 4 + (n.days = 90)::int + 2 * (n.days = 180)::int AS kid, c.id,"
	"   c.youth_id, c.recovery_no, c.identified_at AS t0, c.area,"
	"   c.identified_by_agency AS ag, n.days,"
	"   CASE WHEN c.identified_at + n.days * 86400 >= $2 THEN 0 ELSE 1 END AS p"
	"  FROM n JOIN cases c ON c.identified_at >= $1 - n.days * 86400"
	"   AND c.identified_at < $3 - n.days * 86400"
	"  WHERE c.identified_at + (n.days + $7) * 86400 <= $5 AND " AREA_OK "),"
	" chk AS MATERIALIZED ("
	"  " LATEST_CHECK("k.kid") " FROM cohort k JOIN stability_events e ON e.case_id = k.id"
	"  WHERE e.type = 'stability_check' AND e.at >= $1 - $7 * 86400"
	"   AND e.at <= $3 + $7 * 86400"
	"   AND e.at >= k.t0 + (k.days - $7) * 86400 AND e.at <= k.t0 + (k.days + $7) * 86400"
	"  " LATEST_ORDER("k.kid") "),"
	" facts AS MATERIALIZED ("
	"  SELECT k.p, k.area, k.ag, k.days, ch.at IS NOT NULL AS found,"
	"   coalesce(ch.st, -1) AS st, coalesce(ch.sp, -1) AS sp, coalesce(ch.en, -1) AS en,"
	"   ch.at IS NOT NULL AND " MISSING_BEFORE("case_id", "k.id", "ch.at",
						   " AND m.at >= $1 - 180 * 86400") " AS mi,"
	"   ch.at IS NOT NULL AND EXISTS (SELECT 1 FROM cases c2 WHERE c2.youth_id = k.youth_id"
	"    AND c2.recovery_no > k.recovery_no AND c2.identified_at <= ch.at) AS rr,"
	"   ch.at IS NOT NULL AND " DETAINED("case_id", "k.id", "ch.at") " AS de"
	"  FROM cohort k LEFT JOIN chk ch ON ch.kid = k.kid)"
	" SELECT p, area, ag, days, found, st, sp, en, mi, rr, de, count(*) FROM facts"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11";

static const char q_current[] =
	PARS ", pt(p, since, at) AS (VALUES (0, $10, $12), (1, $11, $13)),"
	" y AS MATERIALIZED ("
	"  SELECT pt.p, pt.at, c.youth_id, c.area, c.identified_by_agency AS ag,"
	"   row_number() OVER (PARTITION BY pt.p, c.youth_id ORDER BY c.identified_at, c.id) AS rn"
	"  FROM pt JOIN cases c ON c.identified_at >= pt.since AND c.identified_at < pt.at"
	"  WHERE " AREA_OK "),"
	" yy AS MATERIALIZED (SELECT p, at, youth_id, area, ag FROM y WHERE rn = 1),"
	" chk AS MATERIALIZED ("
	"  " LATEST_CHECK("yy.p, yy.youth_id")
	"  FROM yy JOIN stability_events e ON e.youth_id = yy.youth_id"
	"  WHERE e.type = 'stability_check' AND e.at <= yy.at AND e.at > yy.at - $14 * 86400"
	"  " LATEST_ORDER("yy.p, yy.youth_id") "),"
	" facts AS MATERIALIZED ("
	"  SELECT yy.p, yy.area, yy.ag, ch.at IS NOT NULL AS found,"
	"   coalesce(ch.st, -1) AS st, coalesce(ch.sp, -1) AS sp, coalesce(ch.en, -1) AS en,"
	"   ch.at IS NOT NULL AND " MISSING_BEFORE("youth_id", "yy.youth_id", "yy.at", "") " AS mi,"
	"   ch.at IS NOT NULL AND EXISTS (SELECT 1 FROM cases c3 WHERE c3.youth_id = yy.youth_id"
	"    AND c3.identified_at > ch.at AND c3.identified_at <= yy.at) AS rr,"
	"   ch.at IS NOT NULL AND " DETAINED("youth_id", "yy.youth_id", "yy.at") " AS de"
	"  FROM yy LEFT JOIN chk ch ON ch.p = yy.p AND ch.youth_id = yy.youth_id)"
	" SELECT p, area, ag, 0, found, st, sp, en, mi, rr, de, count(*) FROM facts"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11";

#define WITNESS_HAS(type, extra)                                                     \
	"EXISTS (SELECT 1 FROM events e WHERE e.case_id = w.case_id AND e.type = '" type \
	"' AND " J_INT("e", "witness_id") " = w.id" extra " AND " NOT_AMENDED("e") ")"

static const char q_witnesses[] =
	PARS ", r AS MATERIALIZED ("
	" SELECT " PERIOD("w.listed_at") " AS p, c.area, c.identified_by_agency AS ag,"
	"  " WITNESS_HAS("witness_advocate", "") " AS adv,"
	"  " WITNESS_HAS("safety_plan_signoff", "") " AS plan,"
	"  " WITNESS_HAS("cctv_motion", "") " AS filed,"
	"  " WITNESS_HAS("cctv_motion", " AND " J("e", "outcome") " = 'granted'") " AS granted"
	" FROM witnesses w JOIN cases c ON c.id = w.case_id"
	" WHERE " IN_RANGE("w.listed_at") " AND c.age < 18 AND " AREA_OK ")"
	" SELECT p, area, ag, adv, plan, filed, granted, count(*) FROM r"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7";

static const char q_prosecutions[] =
	PARS " SELECT x.p, c.area, coalesce(c.identified_by_agency, 0), x.conv, count(*) FROM ("
	"  SELECT " PERIOD("pr.filed_at") " AS p, 0 AS conv, pr.id AS pid FROM prosecutions pr"
	"  WHERE " IN_RANGE("pr.filed_at")
	"  UNION ALL"
	"  SELECT " PERIOD("pr.outcome_at") ", 1, pr.id FROM prosecutions pr"
	"  WHERE pr.outcome IN ('convicted', 'plea') AND " IN_RANGE("pr.outcome_at") ") x"
	" LEFT JOIN cases c ON c.id = (SELECT w.case_id FROM witnesses w"
	"  WHERE w.prosecution_id = x.pid ORDER BY w.listed_at, w.id LIMIT 1)"
	" WHERE " AREA_OK " GROUP BY 1, 2, 3, 4";

static const char q_months[] =
	PARS " SELECT CASE WHEN m.s >= $2 THEN 0 ELSE 1 END, m.k, count(*) FROM"
	" (SELECT v ->> 0 AS k, (v ->> 1)::bigint AS s, (v ->> 2)::bigint AS e"
	"  FROM jsonb_array_elements($9::jsonb) AS v) m"
	" JOIN cases c ON c.identified_at >= m.s AND c.identified_at < m.e"
	" WHERE " AREA_OK " GROUP BY 1, 2";
/* clang-format on */

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
			       SQ_VALS(sq_int(from), sq_int(to), sq_text(case_id)), err),
		       map_csec, a, out, n, sizeof(**out), err);
}

/* the statements in enum query's order (store/report_cols.h) */
static const char *const queries[Q_COUNT] = {
	[Q_CASES] = q_cases,	 [Q_EVENTS] = q_events,	      [Q_EXPLOITERS] = q_exploiters,
	[Q_STEPS] = q_steps,	 [Q_MISSING] = q_missing,     [Q_STABILITY] = q_stability,
	[Q_CURRENT] = q_current, [Q_WITNESSES] = q_witnesses, [Q_PROSECUTIONS] = q_prosecutions,
	[Q_MONTHS] = q_months,
};

static enum sh_code deliver(enum query which, const PGresult *res, int r, struct arena *a,
			    const struct report_sink *k)
{
#define MAP(rec, cols) PG_MAP(res, r, 0, a, rec, cols)
	REPORT_DELIVER(which, k, MAP)
#undef MAP
}

enum sh_code pg_report_board(struct store_conn *c, const struct report_query *q,
			     const struct report_sink *sink, struct sh_error *err)
{
	enum sh_code rc = SH_OK;

	for (enum query i = 0; !rc && i < Q_COUNT; i++) {
		struct arena a = ARENA_INIT;
		PGresult *res = pg_exec(
			pconn_of(c), queries[i],
			SQ_VALS(sq_int(q->prev_from), sq_int(q->from), sq_int(q->to),
				sq_text(q->area), sq_int(q->as_of),
				sq_text(q->missing_steps ? q->missing_steps : "[]"),
				sq_int(q->window_days), sq_int(q->no_missing_days),
				sq_text(q->months ? q->months : "[]"), sq_int(q->current_since[0]),
				sq_int(q->current_since[1]), sq_int(q->current_at[0]),
				sq_int(q->current_at[1]), sq_int(q->current_max_age_days)),
			err);

		if (!res)
			return err->code;
		/* the strings of a row live until its callback returns */
		for (int r = 0, n = PQntuples(res); r < n; r++) {
			if ((rc = deliver(i, res, r, &a, sink))) {
				rc = sh_error_set(err, rc, "the report could not be computed (%s)",
						  sh_code_title(rc));
				break;
			}
			if (r % 1024 == 1023)
				arena_release(&a);
		}
		arena_release(&a);
		PQclear(res);
	}
	return rc;
}
