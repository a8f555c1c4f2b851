/*
 * bench/commit-floor: the single-commit floor for durable identification writes.
 *
 * Inserts rows equivalent to what one identification writes (a youth, a case, its
 * participating agencies, the identification event, the derived steps, the
 * idempotency key and an audit row) into a scratch SQLite database, one transaction
 * per identification, WAL, synchronous=FULL: one fsync per identification, the rate
 * a server without group commit is capped at. Prints identifications per second
 * and latency percentiles of the commits (milliseconds), as one line of key=value.
 *
 *   commit-floor --db PATH [--seconds S]
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 1000000
#define NSTEPS 14 /* the LA protocol's steps for one identification */
#define NAGENCIES 6

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "commit-floor: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "commit-floor: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(db, sql);
	return st;
}

static void run(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(db, sqlite3_sql(st));
	sqlite3_reset(st);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	double seconds = 5, t0, t_end, *lat;
	size_t n = 0;
	sqlite3 *db;
	sqlite3_stmt *youth, *cases, *agencies, *event, *step, *idem, *audit;
	unsigned char identity[120];
	char id[32], key[48];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = strtod(argv[++i], NULL);
		else {
			fprintf(stderr, "usage: commit-floor --db PATH [--seconds S]\n");
			return 2;
		}
	}
	if (!path || seconds <= 0) {
		fprintf(stderr, "usage: commit-floor --db PATH [--seconds S]\n");
		return 2;
	}
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(db, "open");
	/* the server's settings: WAL, fsync before the commit returns */
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
	exec(db,
	     "CREATE TABLE youth (id INTEGER PRIMARY KEY, blind_index TEXT, identity BLOB NOT NULL,"
	     " created_at INTEGER NOT NULL) STRICT;"
	     "CREATE INDEX youth_blind ON youth(blind_index) WHERE blind_index IS NOT NULL;"
	     "CREATE TABLE cases (id TEXT PRIMARY KEY, youth_id INTEGER NOT NULL REFERENCES youth(id),"
	     " recovery_no INTEGER NOT NULL, identified_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
	     " area TEXT NOT NULL, youth_status TEXT NOT NULL, identified_by_agency INTEGER NOT NULL,"
	     " identified_by_user INTEGER NOT NULL, protocol_id INTEGER NOT NULL, age INTEGER NOT NULL,"
	     " age_estimated INTEGER NOT NULL, indicators TEXT NOT NULL DEFAULT '[]',"
	     " closed_at INTEGER NOT NULL DEFAULT 0) STRICT;"
	     "CREATE INDEX cases_identified ON cases(identified_at);"
	     "CREATE TABLE case_agencies (case_id TEXT NOT NULL REFERENCES cases(id),"
	     " agency_id INTEGER NOT NULL, reason TEXT NOT NULL, joined_at INTEGER NOT NULL,"
	     " left_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (case_id, agency_id)) STRICT;"
	     "CREATE INDEX case_agencies_agency ON case_agencies(agency_id, case_id);"
	     "CREATE TABLE events (id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),"
	     " type TEXT NOT NULL, section TEXT NOT NULL, at INTEGER NOT NULL,"
	     " recorded_at INTEGER NOT NULL, user_id INTEGER NOT NULL, agency_id INTEGER NOT NULL,"
	     " data TEXT NOT NULL) STRICT;"
	     "CREATE INDEX events_case ON events(case_id, id);"
	     "CREATE INDEX events_type ON events(type, at);"
	     "CREATE TABLE case_steps (case_id TEXT NOT NULL REFERENCES cases(id), step TEXT NOT NULL,"
	     " episode INTEGER NOT NULL, owner TEXT, state TEXT NOT NULL, opened_at INTEGER NOT NULL,"
	     " due_at INTEGER NOT NULL, done_at INTEGER NOT NULL,"
	     " PRIMARY KEY (case_id, step, episode)) STRICT;"
	     "CREATE INDEX case_steps_due ON case_steps(owner, due_at) WHERE state = 'pending';"
	     "CREATE INDEX case_steps_pending ON case_steps(due_at) WHERE state = 'pending';"
	     "CREATE TABLE idempotency (user_id INTEGER NOT NULL, key TEXT NOT NULL,"
	     " request_hash TEXT NOT NULL, case_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
	     " PRIMARY KEY (user_id, key)) STRICT;"
	     "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id INTEGER NOT NULL,"
	     " action TEXT NOT NULL, case_id TEXT, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL,"
	     " hash TEXT NOT NULL) STRICT;"
	     "CREATE INDEX audit_case ON audit(case_id, seq) WHERE case_id IS NOT NULL;");
	youth = prep(db,
		     "INSERT INTO youth(blind_index, identity, created_at) VALUES (NULL, ?1, ?2)");
	cases = prep(
		db,
		"INSERT INTO cases(id, youth_id, recovery_no, identified_at, recorded_at, area,"
		" youth_status, identified_by_agency, identified_by_user, protocol_id, age,"
		" age_estimated, indicators) VALUES (?1, ?2, 1, ?3, ?3, 'compton', 'none', 1, 1,"
		" 1, 15, 1, '[]')");
	agencies = prep(db, "INSERT INTO case_agencies(case_id, agency_id, reason, joined_at)"
			    " VALUES (?1, ?2, 'routed', ?3)");
	event = prep(db, "INSERT INTO events(case_id, type, section, at, recorded_at, user_id,"
			 " agency_id, data) VALUES (?1, 'identification', 'core', ?2, ?2, 1, 1,"
			 " '{\"area\":\"compton\",\"youth_status\":\"none\"}')");
	step = prep(
		db,
		"INSERT INTO case_steps(case_id, step, episode, owner, state, opened_at,"
		" due_at, done_at) VALUES (?1, ?2, 0, 'child_welfare', 'pending', ?3, ?3 + 5400, 0)");
	idem = prep(
		db,
		"INSERT INTO idempotency(user_id, key, request_hash, case_id, created_at)"
		" VALUES (1, ?1, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',"
		" ?2, ?3)");
	audit = prep(db, "INSERT INTO audit(at, user_id, action, case_id, outcome, prev_hash, hash)"
			 " VALUES (?1, 1, 'case.create', ?2, 'ok',"
			 " 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',"
			 " 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')");
	lat = malloc(MAX_SAMPLES * sizeof(*lat));
	if (!lat)
		return 1;
	memset(identity, 0xa5, sizeof(identity));
	t0 = now_s();
	t_end = t0 + seconds;
	while (n < MAX_SAMPLES) {
		double s = now_s();
		int64_t at = (int64_t)time(NULL);
		if (s >= t_end)
			break;
		snprintf(id, sizeof(id), "SH-%010zu", n);
		snprintf(key, sizeof(key), "floor-%zu", n);
		exec(db, "BEGIN IMMEDIATE");
		sqlite3_bind_blob(youth, 1, identity, sizeof(identity), SQLITE_STATIC);
		sqlite3_bind_int64(youth, 2, at);
		run(db, youth);
		sqlite3_bind_text(cases, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(cases, 2, sqlite3_last_insert_rowid(db));
		sqlite3_bind_int64(cases, 3, at);
		run(db, cases);
		for (int a = 1; a <= NAGENCIES; a++) {
			sqlite3_bind_text(agencies, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int(agencies, 2, a);
			sqlite3_bind_int64(agencies, 3, at);
			run(db, agencies);
		}
		sqlite3_bind_text(event, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(event, 2, at);
		run(db, event);
		for (int k = 0; k < NSTEPS; k++) {
			char name[16];
			snprintf(name, sizeof(name), "step_%d", k);
			sqlite3_bind_text(step, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(step, 2, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(step, 3, at);
			run(db, step);
		}
		sqlite3_bind_text(idem, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(idem, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(idem, 3, at);
		run(db, idem);
		sqlite3_bind_int64(audit, 1, at);
		sqlite3_bind_text(audit, 2, id, -1, SQLITE_STATIC);
		run(db, audit);
		exec(db, "COMMIT"); /* one fsync of the WAL */
		lat[n++] = (now_s() - s) * 1e3;
	}
	t_end = now_s();
	qsort(lat, n, sizeof(*lat), cmp);
	printf("rows=%zu seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f\n", n, t_end - t0,
	       (double)n / (t_end - t0), n ? lat[n / 2] : 0.0, n ? lat[n * 99 / 100] : 0.0);
	sqlite3_finalize(youth);
	sqlite3_finalize(cases);
	sqlite3_finalize(agencies);
	sqlite3_finalize(event);
	sqlite3_finalize(step);
	sqlite3_finalize(idem);
	sqlite3_finalize(audit);
	sqlite3_close(db);
	free(lat);
	return 0;
}
