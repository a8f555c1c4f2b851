/*
 * SQLite backend: the Board report's aggregate queries (docs/report.md). Each query
 * covers both periods at once ([prev_from, to), the period told apart by a CASE) and
 * groups in SQL wherever the figure allows; only the step rows, whose medians need
 * every value, come back one by one. Amended events are left out: an event is
 * superseded when another one amends it (index events_amends, schema 6).
 *
 * Parameters, the same in every statement: ?1 prev_from, ?2 from, ?3 to, ?4 area or
 * NULL, ?5 as_of, ?6 JSON array of the missing-report steps, ?7 stability window
 * (days), ?8 days without a missing episode before the check, ?9 the county's months
 * as a JSON array of [key, start, end], ?10 and ?11 "currently stable": identified
 * since (report period, previous period), ?12 and ?13 judged at, ?14 the longest a
 * check may be before that.
 */
#include "lib/common.h"
#include "store/report_cols.h"
#include "store/sqlite_internal.h"

#define PERIOD(t) "CASE WHEN " t " >= ?2 THEN 0 ELSE 1 END"
#define IN_RANGE(t) t " >= ?1 AND " t " < ?3"
#define AREA_OK "(?4 IS NULL OR c.area = ?4)"
#define NOT_AMENDED(e) "NOT EXISTS (SELECT 1 FROM events a WHERE a.amends = " e ".id)"

/* (grouping over a materialized row set: each correlated subquery runs once per row) */
static const char q_cases[] =
	"WITH r AS MATERIALIZED ("
	" SELECT " PERIOD(
		"c.identified_at") " AS p, c.area, c.identified_by_agency AS ag,"
				   "  c.recovery_no > 1 AS re,"
				   "  NOT EXISTS (SELECT 1 FROM cases c2 WHERE c2.youth_id = c.youth_id"
				   "   AND c2.recovery_no < c.recovery_no"
				   "   AND c2.identified_at >= CASE WHEN c.identified_at >= ?2 THEN ?2 ELSE ?1 END"
				   "   AND c2.identified_at < CASE WHEN c.identified_at >= ?2 THEN ?3 ELSE ?2 END"
				   "   AND (?4 IS NULL OR c2.area = ?4)) AS first,"
				   "  c.age, c.gender, c.race_ethnicity AS race"
				   " FROM cases c WHERE " IN_RANGE(
					   "c.identified_at") " AND " AREA_OK ")"
							      " SELECT p, area, ag, re, first, age, gender, race, count(*) FROM r"
							      " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";

/* arrests, refused arrests and detention placements (a placement recorded as detention, or
 * described as one); the offence text only for arrests stored before their classification */
static const char q_events[] = "SELECT " PERIOD(
	"e.at") ", c.area, c.identified_by_agency,"
		" CASE WHEN e.type = 'placement' THEN 'detention' ELSE e.type END,"
		" CASE WHEN e.type = 'arrest' AND json_extract(e.data, '$.prostitution_related') IS NULL"
		"  THEN json_extract(e.data, '$.offense') END,"
		" coalesce(json_extract(e.data, '$.prostitution_related'), -1),"
		" coalesce(json_extract(e.data, '$.minor'), c.age < 18), count(*)"
		" FROM events e JOIN cases c ON c.id = e.case_id"
		" WHERE e.type IN ('arrest', 'refused_arrest', 'placement') AND " IN_RANGE(
			"e.at") " AND " AREA_OK
				" AND (e.type <> 'placement' OR json_extract(e.data, '$.setting') = 'detention'"
				"  OR json_extract(e.data, '$.detention') = 1)"
				" AND " NOT_AMENDED("e") " GROUP BY 1, 2, 3, 4, 5, 6, 7";

/* exploiters and buyers: arrests, and people (a person's first arrest in the period; an
 * arrest without a person is a person of its own) */
static const char q_exploiters[] =
	"WITH x AS MATERIALIZED ("
	" SELECT " PERIOD(
		"e.at") " AS p, c.area, c.identified_by_agency AS ag,"
			"  json_extract(e.data, '$.role') = 'buyer' AS buyer,"
			"  row_number() OVER (PARTITION BY " PERIOD(
				"e.at") ", json_extract(e.data, '$.role'),"
					"   coalesce(json_extract(e.data, '$.person_key'), 'event:' || e.id)"
					"   ORDER BY e.at, e.id) AS rn"
					" FROM events e JOIN cases c ON c.id = e.case_id"
					" WHERE e.type = 'exploiter_arrest' AND " IN_RANGE(
						"e.at") " AND " AREA_OK
							" AND " NOT_AMENDED(
								"e") ")"
								     " SELECT p, area, ag, buyer, count(*), sum(rn = 1) FROM x GROUP BY 1, 2, 3, 4";

static const char q_steps[] = "SELECT " PERIOD(
	"c.identified_at") ", c.area, c.identified_by_agency, s.step, s.state,"
			   " s.opened_at, s.due_at, s.done_at"
			   " FROM cases c JOIN case_steps s ON s.case_id = c.id"
			   " WHERE " IN_RANGE(
				   "c.identified_at") " AND " AREA_OK
						      " AND s.state IN ('done', 'pending')";

/* an episode's 24-hour reports: the report steps of that case and episode (their clock
 * starts when the youth went missing) */
static const char q_missing[] =
	"WITH r AS MATERIALIZED ("
	" SELECT " PERIOD(
		"e.at") " AS p, c.area, c.identified_by_agency AS ag,"
			"  (SELECT CASE WHEN count(*) = 0 THEN 'none'"
			"    WHEN sum(s.state = 'waived' OR (s.state = 'done' AND s.done_at > s.due_at)"
			"      OR (s.state = 'pending' AND s.due_at > 0 AND s.due_at < ?5)) > 0 THEN 'late'"
			"    WHEN sum(s.state = 'pending') > 0 THEN 'not_due' ELSE 'on_time' END"
			"   FROM case_steps s WHERE s.case_id = e.case_id"
			"   AND s.step IN (SELECT value FROM json_each(?6)) AND s.episode > 0"
			"   AND s.opened_at = e.at AND s.state <> 'not_applicable') AS cls"
			" FROM events e JOIN cases c ON c.id = e.case_id"
			" WHERE e.type = 'missing_start' AND " IN_RANGE(
				"e.at") " AND " AREA_OK
					" AND " NOT_AMENDED(
						"e") ")"
						     " SELECT p, area, ag, cls, count(*) FROM r GROUP BY 1, 2, 3, 4";

/* Stability reads the effective checks, missing-from-care events and placements kept in
 * stability_events (schema 16: one row per event no entry amends, with its youth), by
 * case or by youth, instead of every event of the youth's cases. */

/* was the latest placement of the case or youth (col = val) by `at` a detention setting? */
#define DETAINED(col, val, at)                                                                 \
	"coalesce((SELECT pl.detained FROM stability_events pl WHERE pl." col " = " val        \
	" AND pl.type = 'placement' AND pl.at <= " at " ORDER BY pl.at DESC, pl.event_id DESC" \
	" LIMIT 1), 0)"

/* the latest check (max: the first of equal times in event order) among the rows joined
 * as e */
#define LATEST_CHECK "max(e.at) AS at, e.stable AS st, e.safe_placement AS sp, e.engaged AS en"

/* missing in the D (?8) days before `at`: still missing when they began (more starts than
 * ends before), or a start or end within them, among the missing events of col = val */
#define MISSING_BEFORE(col, val, at, since)                                                  \
	"?8 > 0 AND coalesce((SELECT"                                                        \
	" sum(CASE WHEN m.at <= " at " - ?8 * 86400 THEN 2 * (m.type = 'missing_start') - 1" \
	"  ELSE 0 END) > 0 OR sum(m.at > " at " - ?8 * 86400) > 0"                           \
	" FROM stability_events m WHERE m." col " = " val                                    \
	" AND m.type IN ('missing_start', 'missing_end') AND m.at <= " at since "), 0)"

/*
 * Stability: the recoveries whose day N falls in a period once the check window has
 * closed (cohort, keyed by an integer: the case's rowid and N); the latest check in the
 * window; missing-from-care events before it (since 180 days before the previous period);
 * a later recovery; the latest placement.
 */
static const char q_stability[] =
	"WITH n(days) AS (VALUES (30), (90), (180)),"
	" cohort AS MATERIALIZED ("
	"  SELECT c.rowid * 4 + (n.days = 90) + 2 * (n.days = 180) AS kid, c.id, c.youth_id,"
	"   c.recovery_no, c.identified_at AS t0, c.area, c.identified_by_agency AS ag, n.days,"
	"   CASE WHEN c.identified_at + n.days * 86400 >= ?2 THEN 0 ELSE 1 END AS p"
	"  FROM n JOIN cases c ON c.identified_at >= ?1 - n.days * 86400"
	"   AND c.identified_at < ?3 - n.days * 86400"
	"  WHERE c.identified_at + (n.days + ?7) * 86400 <= ?5 AND " AREA_OK "),"
	" chk AS MATERIALIZED ("
	"  SELECT k.kid, " LATEST_CHECK " FROM cohort k JOIN stability_events e ON e.case_id = k.id"
	"  WHERE e.type = 'stability_check' AND e.at >= ?1 - ?7 * 86400"
	"   AND e.at <= ?3 + ?7 * 86400"
	"   AND e.at >= k.t0 + (k.days - ?7) * 86400 AND e.at <= k.t0 + (k.days + ?7) * 86400"
	"  GROUP BY k.kid),"
	" facts AS MATERIALIZED ("
	"  SELECT k.p, k.area, k.ag, k.days, ch.at IS NOT NULL AS found,"
	"   coalesce(ch.st, -1) AS st, coalesce(ch.sp, -1) AS sp, coalesce(ch.en, -1) AS en,"
	"   ch.at IS NOT NULL AND " MISSING_BEFORE(
		"case_id", "k.id", "ch.at",
		" AND m.at >= ?1 - 180 * 86400") " AS mi,"
						 "   ch.at IS NOT NULL AND EXISTS (SELECT 1 FROM cases c2 WHERE c2.youth_id = k.youth_id"
						 "    AND c2.recovery_no > k.recovery_no AND c2.identified_at <= ch.at) AS rr,"
						 "   ch.at IS NOT NULL AND " DETAINED(
							 "case_id", "k.id",
							 "ch.at") " AS de"
								  "  FROM cohort k LEFT JOIN chk ch ON ch.kid = k.kid)"
								  " SELECT p, area, ag, days, found, st, sp, en, mi, rr, de, count(*) FROM facts"
								  " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11";

/*
 * Currently stable: each youth identified since the start day (once, where their first
 * recovery since then was), judged at the period's end by their latest check within the
 * allowed age, their latest placement, missing episodes and later recoveries.
 */
static const char q_current[] =
	"WITH pt(p, since, at) AS (VALUES (0, ?10, ?12), (1, ?11, ?13)),"
	" y AS MATERIALIZED ("
	"  SELECT pt.p, pt.at, c.youth_id, c.area, c.identified_by_agency AS ag,"
	"   row_number() OVER (PARTITION BY pt.p, c.youth_id ORDER BY c.identified_at, c.id) AS rn"
	"  FROM pt JOIN cases c ON c.identified_at >= pt.since AND c.identified_at < pt.at"
	"  WHERE " AREA_OK "),"
	" yy AS MATERIALIZED (SELECT p, at, youth_id, area, ag FROM y WHERE rn = 1),"
	" chk AS MATERIALIZED ("
	"  SELECT yy.p, yy.youth_id, " LATEST_CHECK
	"  FROM yy JOIN stability_events e ON e.youth_id = yy.youth_id"
	"  WHERE e.type = 'stability_check' AND e.at <= yy.at AND e.at > yy.at - ?14 * 86400"
	"  GROUP BY yy.p, yy.youth_id),"
	" facts AS MATERIALIZED ("
	"  SELECT yy.p, yy.area, yy.ag, ch.at IS NOT NULL AS found,"
	"   coalesce(ch.st, -1) AS st, coalesce(ch.sp, -1) AS sp, coalesce(ch.en, -1) AS en,"
	"   ch.at IS NOT NULL AND " MISSING_BEFORE(
		"youth_id", "yy.youth_id", "yy.at",
		"") " AS mi,"
		    "   ch.at IS NOT NULL AND EXISTS (SELECT 1 FROM cases c3 WHERE c3.youth_id = yy.youth_id"
		    "    AND c3.identified_at > ch.at AND c3.identified_at <= yy.at) AS rr,"
		    "   ch.at IS NOT NULL AND " DETAINED(
			    "youth_id", "yy.youth_id",
			    "yy.at") " AS de"
				     "  FROM yy LEFT JOIN chk ch ON ch.p = yy.p AND ch.youth_id = yy.youth_id)"
				     " SELECT p, area, ag, 0, found, st, sp, en, mi, rr, de, count(*) FROM facts"
				     " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11";

/* by the witness's case (+e.type keeps the planner on events_case, not every event of
 * that type) */
#define WITNESS_HAS(type, extra)                                                              \
	"EXISTS (SELECT 1 FROM events e WHERE e.case_id = w.case_id AND +e.type = '" type "'" \
	" AND json_extract(e.data, '$.witness_id') = w.id" extra " AND " NOT_AMENDED("e") ")"

static const char q_witnesses[] =
	"WITH r AS MATERIALIZED ("
	" SELECT " PERIOD(
		"w.listed_at") " AS p, c.area, c.identified_by_agency AS ag,"
			       "  " WITNESS_HAS(
				       "witness_advocate",
				       "") " AS adv,"
					   "  " WITNESS_HAS(
						   "safety_plan_signoff",
						   "") " AS plan,"
						       "  " WITNESS_HAS(
							       "cctv_motion",
							       "") " AS filed,"
								   "  " WITNESS_HAS(
									   "cctv_motion",
									   " AND json_extract(e.data, '$.outcome') = 'granted'") "  AS granted"
																 " FROM witnesses w JOIN cases c ON c.id = w.case_id"
																 " WHERE " IN_RANGE(
																	 "w.listed_at") " AND c.age < 18 AND " AREA_OK
																			")"
																			" SELECT p, area, ag, adv, plan, filed, granted, count(*) FROM r"
																			" GROUP BY 1, 2, 3, 4, 5, 6, 7";

/* a prosecution counts under the recovery of its first listed witness */
static const char q_prosecutions[] =
	"SELECT x.p, c.area, coalesce(c.identified_by_agency, 0), x.conv, count(*) FROM ("
	"  SELECT " PERIOD(
		"pr.filed_at") " AS p, 0 AS conv, pr.id AS pid FROM prosecutions pr"
			       "  WHERE " IN_RANGE(
				       "pr.filed_at") "  UNION ALL"
						      "  SELECT " PERIOD(
							      "pr.outcome_at") ", 1, pr.id FROM prosecutions pr"
									       "  WHERE pr.outcome IN ('convicted', 'plea') AND " IN_RANGE(
										       "pr.outcome_at") ") x"
													" LEFT JOIN cases c ON c.id = (SELECT w.case_id FROM witnesses w"
													"  WHERE w.prosecution_id = x.pid ORDER BY w.listed_at, w.id LIMIT 1)"
													" WHERE " AREA_OK
													" GROUP BY 1, 2, 3, 4";

/* the county's months, cut at the periods' bounds by the caller */
static const char q_months[] =
	"SELECT CASE WHEN m.s >= ?2 THEN 0 ELSE 1 END, m.k, count(*) FROM"
	" (SELECT json_extract(value, '$[0]') AS k, json_extract(value, '$[1]') AS s,"
	"  json_extract(value, '$[2]') AS e FROM json_each(?9)) m"
	" JOIN cases c ON c.identified_at >= m.s AND c.identified_at < m.e"
	" WHERE " AREA_OK " GROUP BY 1, 2";

/* the latest time anything was recorded, among the newest rows of the append-only tables
 * (rows are appended in time order; the window allows for loaders that backdate a little) */
static const char q_as_of[] =
	"SELECT max(coalesce((SELECT max(recorded_at) FROM (SELECT recorded_at FROM events"
	"  ORDER BY id DESC LIMIT 1000)), 0),"
	" coalesce((SELECT max(recorded_at) FROM (SELECT recorded_at FROM cases"
	"  ORDER BY rowid DESC LIMIT 1000)), 0),"
	" coalesce((SELECT max(created_at) FROM prosecutions), 0))";

enum sh_code sqlite_report_as_of(struct store_conn *c, int64_t *as_of, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);

	return sq_value(sc, sq_prep(sc, q_as_of, err), as_of, err);
}

static void bind_query(sqlite3_stmt *st, const struct report_query *q)
{
	int n = sqlite3_bind_parameter_count(st);

	sqlite3_bind_int64(st, 1, q->prev_from);
	sqlite3_bind_int64(st, 2, q->from);
	sqlite3_bind_int64(st, 3, q->to);
	sq_bind_text(st, 4, q->area);
	if (n >= 5)
		sqlite3_bind_int64(st, 5, q->as_of);
	if (n >= 6)
		sq_bind_text(st, 6, q->missing_steps ? q->missing_steps : "[]");
	if (n >= 7)
		sqlite3_bind_int(st, 7, q->window_days);
	if (n >= 8)
		sqlite3_bind_int(st, 8, q->no_missing_days);
	if (n >= 9)
		sq_bind_text(st, 9, q->months ? q->months : "[]");
	if (n >= 14) {
		sqlite3_bind_int64(st, 10, q->current_since[0]);
		sqlite3_bind_int64(st, 11, q->current_since[1]);
		sqlite3_bind_int64(st, 12, q->current_at[0]);
		sqlite3_bind_int64(st, 13, q->current_at[1]);
		sqlite3_bind_int(st, 14, q->current_max_age_days);
	}
}

/* the statements in enum query's order (store/report_cols.h) */
static const char *const queries[Q_COUNT] = {
	[Q_CASES] = q_cases,	 [Q_EVENTS] = q_events,	      [Q_EXPLOITERS] = q_exploiters,
	[Q_STEPS] = q_steps,	 [Q_MISSING] = q_missing,     [Q_STABILITY] = q_stability,
	[Q_CURRENT] = q_current, [Q_WITNESSES] = q_witnesses, [Q_PROSECUTIONS] = q_prosecutions,
	[Q_MONTHS] = q_months,
};

/* one row of statement `which` into the sink */
static enum sh_code deliver(enum query which, sqlite3_stmt *st, const struct report_sink *k)
{
#define MAP(rec, cols) SQ_MAP(st, 0, NULL, rec, cols)
	REPORT_DELIVER(which, k, MAP)
#undef MAP
}

enum sh_code sqlite_report_board(struct store_conn *c, const struct report_query *q,
				 const struct report_sink *sink, struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	enum sh_code rc = SH_OK;

	/* the materialized sets and sorts of a state-sized report stay in memory rather than
	 * spilling to temporary files (tens of megabytes); the connection is put back after */
	sqlite3_exec(sc->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	for (enum query i = 0; !rc && i < Q_COUNT; i++) {
		sqlite3_stmt *st = sq_prep(sc, queries[i], err);
		bool row;

		if (!st) {
			rc = err->code;
			break;
		}
		bind_query(st, q);
		while (!(rc = sq_step(sc, st, &row, err)) && row) {
			if ((rc = deliver(i, st, sink))) {
				sqlite3_reset(st);
				rc = sh_error_set(err, rc, "the report could not be computed (%s)",
						  sh_code_title(rc));
				break;
			}
		}
	}
	sqlite3_exec(sc->db, "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
	return rc;
}

/* ---- the state's CSEC indicators (core/csec.h) ---- */

/* ?1 from, ?2 to, ?3 one case or NULL. "Latest" is in timeline (id) order, as the case's
 * own derivation reads it (core/casefile.c); a missing episode of an earlier recovery is
 * open at this identification when it started by then and no return of that recovery
 * followed it by then. */
static const char q_csec[] =
	"SELECT c.id, c.identified_at,"
	" coalesce((SELECT json_extract(e.data, '$.status') FROM events e"
	"  WHERE e.case_id = c.id AND e.type = 'status_determined' AND " NOT_AMENDED(
		"e") "  ORDER BY e.id DESC LIMIT 1), c.youth_status),"
		     /* the missing episodes from stability_events (effective only), by the youth */
		     " EXISTS (SELECT 1 FROM stability_events m JOIN cases p ON p.id = m.case_id"
		     "  WHERE m.youth_id = c.youth_id AND m.type = 'missing_start'"
		     "  AND m.at <= c.identified_at AND p.recovery_no < c.recovery_no"
		     "  AND NOT EXISTS (SELECT 1 FROM stability_events r WHERE r.case_id = m.case_id"
		     "   AND r.type = 'missing_end' AND r.at <= c.identified_at AND r.event_id > m.event_id)),"
		     " (SELECT count(*) FROM stability_events m WHERE m.case_id = c.id"
		     "  AND m.type = 'missing_start'),"
		     " x.id, x.at, x.data"
		     " FROM cases c LEFT JOIN events x ON x.id = (SELECT max(e.id) FROM events e"
		     "  WHERE e.case_id = c.id AND e.type = 'csec_indicators' AND " NOT_AMENDED(
			     "e") ")"
				  /* a period, or one case: two index searches (a CASE here would scan every case) */
				  " WHERE (?3 IS NULL AND c.identified_at >= ?1 AND c.identified_at < ?2) OR c.id = ?3"
				  " ORDER BY c.identified_at, c.id";

#define SQ_REC struct csec_rec
static const struct sq_col csec_list_cols[] = {
	SQ_C(case_id),		SQ_C(identified_at),
	SQ_C(status),		SQ_C(missing_at_identification),
	SQ_C(missing_episodes), SQ_C(confirmed_id),
	SQ_C(confirmed_at),	SQ_C(confirmed)
};
#undef SQ_REC

static void map_csec_list(sqlite3_stmt *st, struct arena *a, void *rec)
{
	SQ_MAP(st, 0, a, rec, csec_list_cols);
}

enum sh_code sqlite_csec_list(struct store_conn *c, int64_t from, int64_t to, const char *case_id,
			      struct arena *a, struct csec_rec **out, size_t *n,
			      struct sh_error *err)
{
	struct sconn *sc = sconn_of(c);
	sqlite3_stmt *st =
		sq_bind(sc, q_csec, SQ_VALS(sq_int(from), sq_int(to), sq_text(case_id)), err);

	return sq_rows(sc, st, map_csec_list, a, out, n, sizeof(**out), err);
}
