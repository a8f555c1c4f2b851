/*
 * The shape of the Board report's query plans (store/sqlite_report.c) and of a case's
 * loading (store/sqlite_cases.c, sqlite_derived.c; store_case_records in one statement): every statement they prepare, as the
 * statement cache holds it after running them, is planned with EXPLAIN QUERY PLAN on a
 * database at the newest schema. Without statistics (safeharbor never runs ANALYZE) the
 * plan depends on the schema and the SQL, not on how many rows there are, so a small
 * database plans as a county's does. A plan fails when
 *   - it scans a whole large table (the timeline, the step rows, the stability events,
 *     participation, the audit trail), or
 *   - it searches the timeline by type (events_type) from inside a loop: a correlated
 *     subquery or the inner side of a join. That is the regression of 2026-12-07 (the
 *     currently-stable figure's per-youth lookups planned on events_type: 150 s of CPU at
 *     20,000 recoveries instead of 1 s); a search by type is right only as the outer loop
 *     of a time range.
 */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include "store/sqlite_internal.h"
#include "store_fixture.h"

static char dir[64], path[128];

/* the large tables, and the statements allowed to scan one (a scan they stop early) */
static const char *const large[] = { "events",	      "case_steps", "stability_events",
				     "case_agencies", "audit",	    "case_derived" };
static const struct {
	const char *sql_has, *table;
} may_scan[] = {
	/* the report's as-of time: the newest 1,000 rows by rowid, backwards */
	{ "ORDER BY id DESC LIMIT 1000", "events" },
};

/* Synthetic: a second recovery of the youth, a witness and its prosecution, an event of
 * each kind the report reads, a step row, a kept derivation. */
#define FIXTURE_REPORT                                                                          \
	FIXTURE_ONE_CASE                                                                        \
	"INSERT INTO cases(id, youth_id, recovery_no, identified_at, recorded_at, area,"        \
	" youth_status, identified_by_agency, identified_by_user, protocol_id, age,"            \
	" age_estimated) VALUES ('SH-TEST-2', 1, 2, 100, 100, 'compton', 'none', 1, 1, 1, 15,"  \
	" 1);"                                                                                  \
	"INSERT INTO case_agencies VALUES ('SH-TEST', 1, 'identified', 0, 0);"                  \
	"INSERT INTO events(case_id, type, section, at, recorded_at, user_id, agency_id, data)" \
	" SELECT 'SH-TEST', value, 'core', 10, 10, 1, 1, '{\"setting\":\"detention\"}'"         \
	" FROM json_each('[\"stability_check\",\"missing_start\",\"missing_end\","              \
	"\"placement\",\"arrest\",\"exploiter_arrest\",\"csec_indicators\","                    \
	"\"status_determined\",\"witness_advocate\",\"cctv_motion\"]');"                        \
	"INSERT INTO case_steps VALUES ('SH-TEST', 'missing_report_le', 1, 'law_enforcement',"  \
	" NULL, 'done', 10, 20, 15);"                                                           \
	"INSERT INTO prosecutions(id, agency_id, court_case_number, court, charges, filed_at,"  \
	" outcome, outcome_at, created_at, created_by) VALUES (1, 1, 'BA-SYNTH', 'Court',"      \
	" '[]', 50, 'convicted', 60, 50, 1);"                                                   \
	"INSERT INTO witnesses VALUES (1, 1, 'SH-TEST', 55);"                                   \
	"INSERT INTO hearings(prosecution_id, kind, at, created_at) VALUES (1, 'trial', 70,"    \
	" 70);"                                                                                 \
	"INSERT INTO case_derived VALUES ('SH-TEST', 'stamp', '');"

static int setup(void **state)
{
	UNUSED(state);
	return fixture_db_create(dir, path, "plans", FIXTURE_REPORT);
}

static int teardown(void **state)
{
	UNUSED(state);
	return fixture_db_remove(dir);
}

static enum sh_code row(void *arg, const void *r)
{
	UNUSED(r);
	++*(int *)arg;
	return SH_OK;
}

/* the sink's callbacks, each counting its rows */
#define COUNT_ROWS(name, type)                                    \
	static enum sh_code name(void *arg, const struct type *r) \
	{                                                         \
		return row(arg, r);                               \
	}
COUNT_ROWS(on_case, report_case_row)
COUNT_ROWS(on_event, report_event_row)
COUNT_ROWS(on_exploiters, report_exploiter_row)
COUNT_ROWS(on_step, report_step_row)
COUNT_ROWS(on_missing, report_missing_row)
COUNT_ROWS(on_stability, report_stability_row)
COUNT_ROWS(on_witnesses, report_witness_row)
COUNT_ROWS(on_prosecutions, report_prosecution_row)
COUNT_ROWS(on_month, report_month_row)

/* the report and a case's loading, run once on connection c so their statements are in
 * its cache */
static void run_statements(struct store_conn *c)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	int rows = 0;
	struct report_sink sink = { &rows,	  on_case,	   on_event,	 on_exploiters,
				    on_step,	  on_missing,	   on_stability, on_stability,
				    on_witnesses, on_prosecutions, on_month };
	struct report_query q = { .prev_from = 0,
				  .from = 50,
				  .to = 1000,
				  .as_of = 1000,
				  .window_days = 15,
				  .no_missing_days = 30,
				  .missing_steps = "[\"missing_report_le\"]",
				  .months = "[[\"1970-01\", 0, 1000]]",
				  .current_since = { 50, 0 },
				  .current_at = { 1000, 50 },
				  .current_max_age_days = 90 };
	struct case_rec k, *sib;
	struct case_agency_rec *ag;
	struct event_rec *ev;
	struct step_rec *steps;
	struct witness_rec *w;
	struct hearing_rec *h;
	struct csec_rec *cs;
	char *stamp, *kept;
	struct case_records recs;
	size_t n;
	int64_t as_of, left_at;
	bool joined;

	assert_int_equal(store_report_as_of(c, &as_of, &err), SH_OK);
	assert_int_equal(store_report_board(c, &q, &sink, &err), SH_OK);
	assert_true(rows > 0);
	assert_int_equal(store_csec_list(c, 0, 1000, NULL, &a, &cs, &n, &err), SH_OK);
	assert_int_equal(store_csec_list(c, 0, 0, "SH-TEST", &a, &cs, &n, &err), SH_OK);
	assert_int_equal(store_case_get(c, "SH-TEST", &a, &k, &err), SH_OK);
	assert_int_equal(store_case_agencies(c, "SH-TEST", &a, &ag, &n, &err), SH_OK);
	assert_int_equal(store_events_list(c, "SH-TEST", &a, &ev, &n, &err), SH_OK);
	assert_int_equal(store_case_siblings(c, &k, &a, &sib, &n, &err), SH_OK);
	assert_int_equal(store_witnesses_list(c, "SH-TEST", 0, &a, &w, &n, &err), SH_OK);
	assert_int_equal(store_hearings_list(c, 1, &a, &h, &n, &err), SH_OK);
	assert_int_equal(store_case_agency_of(c, "SH-TEST-2", 1, &joined, &left_at, &err), SH_OK);
	assert_int_equal(store_derived_get(c, "SH-TEST", &a, &stamp, &kept, &err), SH_OK);
	assert_int_equal(store_steps_list(c, "SH-TEST", &a, &steps, &n, &err), SH_OK);
	/* the same records in one statement, as a case's view loads them */
	assert_int_equal(store_case_records(c, "SH-TEST", 1, true, &a, &recs, &err), SH_OK);
	assert_int_equal(recs.nsiblings, 1);
	arena_release(&a);
}

struct plan_row {
	int id, parent;
	char detail[256];
};

/* is `alias` (a plan's name for a table) one of the large tables, by name or as an alias
 * the SQL gives one ("FROM events e", "JOIN events m")? */
static const char *large_table(const char *sql, const char *alias)
{
	char pat[96];

	for (size_t i = 0; i < ARRAY_SIZE(large); i++) {
		if (!strcmp(alias, large[i]))
			return large[i];
		snprintf(pat, sizeof(pat), " %s %s ", large[i], alias);
		if (strstr(sql, pat))
			return large[i];
		snprintf(pat, sizeof(pat), " %s %s,", large[i], alias);
		if (strstr(sql, pat))
			return large[i];
	}
	return NULL;
}

static bool may_scan_table(const char *sql, const char *table)
{
	for (size_t i = 0; i < ARRAY_SIZE(may_scan); i++)
		if (strstr(sql, may_scan[i].sql_has) && !strcmp(table, may_scan[i].table))
			return true;
	return false;
}

/* a row is inside a loop when an ancestor is a correlated subquery, or when a scan or
 * search comes before it among its siblings (it is then the inner side of a join) */
static bool in_loop(const struct plan_row *rows, int n, int i)
{
	for (int j = 0; j < i; j++)
		if (rows[j].parent == rows[i].parent && (!strncmp(rows[j].detail, "SCAN ", 5) ||
							 !strncmp(rows[j].detail, "SEARCH ", 7)))
			return true;
	for (int p = rows[i].parent; p;) {
		int k = 0;
		while (k < n && rows[k].id != p)
			k++;
		if (k == n)
			break;
		if (strstr(rows[k].detail, "CORRELATED"))
			return true;
		p = rows[k].parent;
	}
	return false;
}

/* the plan's faults, one a line, into out (empty: none) */
static void plan_faults(sqlite3 *db, const char *sql, char *out, size_t size)
{
	struct plan_row rows[128];
	char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	int n = 0;

	out[0] = '\0';
	assert_non_null(q);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	sqlite3_free(q);
	while (sqlite3_step(st) == SQLITE_ROW && n < (int)ARRAY_SIZE(rows)) {
		rows[n].id = sqlite3_column_int(st, 0);
		rows[n].parent = sqlite3_column_int(st, 1);
		snprintf(rows[n].detail, sizeof(rows[n].detail), "%s",
			 (const char *)sqlite3_column_text(st, 3));
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n; i++) {
		char alias[64] = "";
		const char *t;
		size_t len = strlen(out);

		if (!strncmp(rows[i].detail, "SCAN ", 5)) {
			sscanf(rows[i].detail + 5, "%63s", alias);
			if ((t = large_table(sql, alias)) && !may_scan_table(sql, t))
				snprintf(out + len, size - len, "  %s: scans the whole %s table\n",
					 rows[i].detail, t);
		} else if (strstr(rows[i].detail, " INDEX events_type ") && in_loop(rows, n, i)) {
			snprintf(out + len, size - len,
				 "  %s: the timeline searched by type inside a loop\n",
				 rows[i].detail);
		}
	}
}

static void plans(void **state)
{
	struct store_options o = { .read_only = true, .read_conns = 1 };
	struct sh_error err = SH_ERROR_INIT;
	struct store *s = NULL;
	struct store_conn *c;
	struct sconn *sc;
	int checked = 0, failed = 0;

	UNUSED(state);
	assert_int_equal(store_open(path, &o, &s, &err), SH_OK);
	assert_int_equal(store_read_begin(s, &c, &err), SH_OK);
	run_statements(c);
	sc = sconn_of(c);
	for (int i = 0; i < sc->nstmts; i++) {
		const char *sql = sqlite3_sql(sc->stmts[i].st);
		char faults[4096];

		if (strncmp(sql, "SELECT", 6) && strncmp(sql, "WITH", 4))
			continue;
		plan_faults(sc->db, sql, faults, sizeof(faults));
		checked++;
		if (faults[0]) {
			print_message("%s  in: %.300s\n", faults, sql);
			failed++;
		}
	}
	store_read_end(c);
	store_close(s);
	/* the report's ten queries, its as-of time and indicator export, a case's loading */
	assert_true(checked >= 20);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plans),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
