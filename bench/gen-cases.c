/*
 * bench/gen-cases: fills a database with synthetic recoveries for the benchmarks.
 *
 * The cases are real: each is an identification through the same API handler the
 * server runs (api_cases_create), followed by step_done events (api_events_create)
 * posted by the owning agency's user, so cases carry their derived steps, their
 * timelines and their audit rows exactly as the server would write them. Several
 * threads call the handlers at once, so the group-commit writer batches their
 * commits (durable, synchronous=FULL, as in production). Each thread walks its own
 * clock through the past so identifications and events can be spread over weeks.
 *
 * The database must be initialised and seeded with the users named below (see
 * bench/run.sh: init, agencies, users). Every name is synthetic.
 *
 *   gen-cases --db DB --cases N [--threads T] [--span-days D] [--done-pct P]
 *             [--ids FILE] [--dump-dir DIR --reader USER]
 *
 * --done-pct: the share of steps already due that are marked done (on time or a
 * little late); the rest stay pending, and those past due are overdue.
 * --dump-dir: after generating, writes DIR/<id>, the body of GET /api/v1/cases/{id}
 * as USER sees it (what nginx serves in the read benchmark, at the same path).
 */
#include "lib/common.h"
#include <pthread.h>
#include <sys/stat.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/principal.h"
#include "core/witness.h"
#include "lib/jsonh.h"
#include "lib/log.h"
#include "lib/xorshift.h"

#define DAY 86400

enum who { LE_A, LE_B, CW, PROB, ADV, MED, MH, NWHO };
static const char *const usernames[NWHO] = { "le", "le2", "cw", "prob", "adv", "med", "mh" };
static struct principal who_p[NWHO];
static struct user_rec who_u[NWHO];

struct gen {
	struct app app;
	int ncases, nthreads, done_pct;
	int64_t span, real_now;
	char **ids;
	pthread_mutex_t mu;
	int next, made, events, failed;
};

static _Thread_local int64_t thread_clock;

static int64_t gen_clock(void *ctx)
{
	UNUSED(ctx);
	return thread_clock ? thread_clock : (int64_t)time(NULL);
}

static enum sh_code call(struct gen *g, api_handler fn, enum who w, const char *case_id,
			 json_t *body, const char *key, json_t **out, struct buf *raw,
			 struct sh_error *err)
{
	const struct api_call c = { &g->app, &who_p[w], "bench", case_id, key };

	return api_call(&c, fn, body, out, raw, err);
}

static enum who owner_of(const char *kind, enum who le)
{
	if (!kind)
		return NWHO;
	if (!strcmp(kind, "law_enforcement"))
		return le;
	if (!strcmp(kind, "child_welfare"))
		return CW;
	if (!strcmp(kind, "probation"))
		return PROB;
	if (!strcmp(kind, "advocacy"))
		return ADV;
	if (!strcmp(kind, "medical"))
		return MED;
	if (!strcmp(kind, "mental_health"))
		return MH;
	return NWHO;
}

static void fmt_time(int64_t t, char out[32])
{
	json_t *o = json_object();

	jsonh_set_time(o, "t", t, false);
	snprintf(out, 32, "%s", jsonh_str(o, "t"));
	json_decref(o);
}

/* One recovery: identification, then the owners mark a share of the due steps done. */
static enum sh_code one_case(struct gen *g, int i, uint64_t *rng, struct sh_error *err)
{
	static const char *const statuses[] = { "dependent", "dependent", "dependent", "probation",
						"both",	     "none",	  "unknown" };
	static const char *const genders[] = { "female", "female", "female", "male", "nonbinary" };
	int64_t t0 = g->real_now - xorshift_between(rng, 3600, g->span), now = g->real_now;
	enum who le = i % 4 == 3 ? LE_B : LE_A;
	const char *status = statuses[xorshift_next(rng) % ARRAY_SIZE(statuses)];
	json_t *created = NULL, *steps, *body, *youth;
	char key[48], at[32], birth[16], last[32];
	enum sh_code rc;
	int events = 0;

	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", 2008 + (int)(xorshift_next(rng) % 6),
		 1 + (int)(xorshift_next(rng) % 12), 1 + (int)(xorshift_next(rng) % 28));
	snprintf(last, sizeof(last), "Synthetic%d", i);
	youth = json_pack("{s:s, s:s, s:s, s:s}", "first_name", "Benchy", "last_name", last,
			  "birth_date", birth, "gender",
			  genders[xorshift_next(rng) % ARRAY_SIZE(genders)]);
	fmt_time(t0, at);
	body = json_pack("{s:s, s:s, s:s, s:o, s:[s]}", "identified_at", at, "area",
			 le == LE_B ? "long_beach" : "compton", "youth_status", status, "youth",
			 youth, "indicators", "synthetic benchmark case");
	snprintf(key, sizeof(key), "gen-%d", i);
	thread_clock = t0 + xorshift_between(rng, 60, 900);
	if ((rc = call(g, api_cases_create, le, NULL, body, key, &created, NULL, err)))
		return rc;
	g->ids[i] = strdup(jsonh_str(created, "id"));
	steps = json_incref(json_object_get(created, "steps"));
	json_decref(created);

	/* in due order: each pending step already due is done (or left) by its owner */
	for (int guard = 0; guard < 64; guard++) {
		size_t k;
		json_t *s, *best = NULL, *out = NULL;
		int64_t best_t = INT64_MAX;
		unsigned h = 0;

		json_array_foreach(steps, k, s) {
			int64_t opened, due, done_t;
			const char *key_s = jsonh_str(s, "key");
			if (strcmp(jsonh_str(s, "state"), "pending") || !jsonh_str(s, "due_at") ||
			    !jsonh_str(s, "opened_at") ||
			    owner_of(jsonh_str(s, "owner"), le) == NWHO)
				continue;
			timefmt_parse_rfc3339(jsonh_str(s, "opened_at"), &opened);
			timefmt_parse_rfc3339(jsonh_str(s, "due_at"), &due);
			h = 0;
			for (const char *p = key_s; *p; p++)
				h = h * 31 + (unsigned char)*p;
			h = h * 2654435761u + (unsigned)i * 40503u;
			if ((int)(h % 100) >= g->done_pct)
				continue; /* this one stays pending (overdue once its time passes) */
			done_t = opened +
				 (due - opened) *
					 (int64_t)(h % 10 < 1 ? 110 + h % 40 : 20 + h % 70) / 100;
			if (done_t < t0 + 300)
				done_t = t0 + 300;
			if (jsonh_str(s, "not_before")) { /* a window that opens later */
				int64_t nb;
				timefmt_parse_rfc3339(jsonh_str(s, "not_before"), &nb);
				if (done_t < nb)
					done_t = nb + (int64_t)(h % 3600);
			}
			if (done_t < best_t) {
				best_t = done_t;
				best = s;
			}
		}
		if (!best || best_t > now - 60)
			break;
		fmt_time(best_t, at);
		thread_clock = best_t + xorshift_between(rng, 30, 600);
		if (thread_clock > now)
			thread_clock = now;
		rc = call(g, api_events_create, owner_of(jsonh_str(best, "owner"), le), g->ids[i],
			  json_pack("{s:s, s:s, s:I, s:s}", "type", "step_done", "step",
				    jsonh_str(best, "key"), "episode",
				    (json_int_t)jsonh_int(best, "episode", 0), "at", at),
			  NULL, &out, NULL, err);
		if (rc) {
			json_decref(steps);
			return rc;
		}
		json_decref(steps);
		steps = json_incref(json_object_get(out, "steps"));
		json_decref(out);
		events++;
	}
	json_decref(steps);
	pthread_mutex_lock(&g->mu);
	g->events += events + 1;
	pthread_mutex_unlock(&g->mu);
	return SH_OK;
}

static void *worker(void *arg)
{
	struct gen *g = arg;
	uint64_t rng = 0x5afe4a7b0u ^ (uint64_t)(uintptr_t)&rng;

	for (;;) {
		struct sh_error err = SH_ERROR_INIT;
		int i;

		pthread_mutex_lock(&g->mu);
		i = g->next < g->ncases ? g->next++ : -1;
		pthread_mutex_unlock(&g->mu);
		if (i < 0)
			break;
		rng ^= (uint64_t)i * 0x9E3779B97F4A7C15u;
		if (!rng)
			rng = 1;
		if (one_case(g, i, &rng, &err)) {
			fprintf(stderr, "gen-cases: case %d: %s\n", i, err.detail);
			pthread_mutex_lock(&g->mu);
			g->failed++;
			pthread_mutex_unlock(&g->mu);
			continue;
		}
		pthread_mutex_lock(&g->mu);
		if (++g->made % 1000 == 0)
			fprintf(stderr, "gen-cases: %d cases\n", g->made);
		pthread_mutex_unlock(&g->mu);
	}
	thread_clock = 0;
	return NULL;
}

static int dump(struct gen *g, const char *dir, const char *reader)
{
	enum who w = NWHO;

	for (int k = 0; k < NWHO; k++)
		if (!strcmp(usernames[k], reader))
			w = (enum who)k;
	if (w == NWHO) {
		fprintf(stderr,
			"gen-cases: --reader must be one of the seeded users (le, cw, ...)\n");
		return 1;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	thread_clock = 0;
	for (int i = 0; i < g->ncases; i++) {
		struct sh_error err = SH_ERROR_INIT;
		struct buf raw = BUF_INIT;
		char path[4096];
		FILE *f;

		if (!g->ids[i])
			continue;
		if (call(g, api_case_get, w, g->ids[i], NULL, NULL, NULL, &raw, &err)) {
			buf_release(&raw);
			continue; /* not visible to this reader: the benchmark's id list skips it */
		}
		snprintf(path, sizeof(path), "%s/%s", dir, g->ids[i]);
		if (!(f = fopen(path, "w")) || fwrite(raw.data, 1, raw.len, f) != raw.len) {
			perror(path);
			if (f)
				fclose(f);
			buf_release(&raw);
			return 1;
		}
		fclose(f);
		buf_release(&raw);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct sh_error err = SH_ERROR_INIT;
	struct store_options so = { .create = false };
	const char *db = NULL, *ids_path = NULL, *dump_dir = NULL, *reader = "le";
	char *keyfile = NULL;
	pthread_t th[64];
	struct arena a = ARENA_INIT;
	struct timespec t_start, t_end;
	int code = 1;
	enum sh_code rc;

	g.ncases = 1000;
	g.nthreads = 16;
	g.span = 45 * DAY;
	g.done_pct = 70;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--db") && v)
			db = argv[++i];
		else if (!strcmp(argv[i], "--cases") && v)
			g.ncases = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--threads") && v)
			g.nthreads = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--span-days") && v)
			g.span = strtoll(argv[++i], NULL, 10) * DAY;
		else if (!strcmp(argv[i], "--done-pct") && v)
			g.done_pct = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--ids") && v)
			ids_path = argv[++i];
		else if (!strcmp(argv[i], "--dump-dir") && v)
			dump_dir = argv[++i];
		else if (!strcmp(argv[i], "--reader") && v)
			reader = argv[++i];
		else {
			fprintf(stderr,
				"usage: gen-cases --db DB --cases N [--threads T] [--span-days D]"
				" [--done-pct P] [--ids FILE] [--dump-dir DIR --reader USER]\n");
			return 2;
		}
	}
	if (!db || g.ncases < 1 || g.nthreads < 1 || g.nthreads > 64 || g.span < 2 * 3600) {
		fprintf(stderr, "gen-cases: --db is required; --cases >= 1; --threads 1..64\n");
		return 2;
	}
	log_set_level(LOG_WARN);
	g.real_now = (int64_t)time(NULL);
	g.ids = calloc((size_t)g.ncases, sizeof(*g.ids));
	pthread_mutex_init(&g.mu, NULL);
	app_config_defaults(&g.app.cfg);
	g.app.clock.now = gen_clock;
	keyfile = shcrypto_keyfile_path(db);
	if (!g.ids || !keyfile || (rc = shcrypto_init(&err)) ||
	    (rc = shcrypto_keyfile_load(keyfile, &g.app.keys, &err)) ||
	    (rc = audit_store_open(db, &g.app.keys, &so, &g.app.store, &err)) ||
	    (rc = app_open(&g.app, "protocols/la-county-frp.protocol", "protocols/ca-cctv.rules",
			   "protocols/ca-offences.rules", &err))) {
		fprintf(stderr, "gen-cases: %s\n", err.detail);
		goto out;
	}
	for (int w = 0; w < NWHO; w++) {
		struct store_conn *c;
		if ((rc = store_read_begin(g.app.store, &c, &err)))
			goto fail;
		rc = store_user_get(c, 0, usernames[w], &a, &who_u[w], &err);
		store_read_end(c);
		if (rc || !principal_from_user(&who_p[w], &who_u[w]))
			goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	if (g.nthreads > g.ncases)
		g.nthreads = g.ncases;
	for (int t = 0; t < g.nthreads; t++)
		pthread_create(&th[t], NULL, worker, &g);
	for (int t = 0; t < g.nthreads; t++)
		pthread_join(th[t], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t_end);
	fprintf(stderr, "gen-cases: %d cases, %d identifications and events, %d failed, %.1f s\n",
		g.made, g.events, g.failed,
		(double)(t_end.tv_sec - t_start.tv_sec) +
			(double)(t_end.tv_nsec - t_start.tv_nsec) / 1e9);
	if (g.failed)
		goto out;
	if (ids_path) {
		FILE *f = fopen(ids_path, "w");
		if (!f) {
			perror(ids_path);
			goto out;
		}
		for (int i = 0; i < g.ncases; i++)
			if (g.ids[i])
				fprintf(f, "%s\n", g.ids[i]);
		fclose(f);
	}
	if (dump_dir && dump(&g, dump_dir, reader))
		goto out;
	code = 0;
	goto out;
fail:
	fprintf(stderr, "gen-cases: seeded user missing (%s): %s\n", "run bench/run.sh",
		err.detail);
out:
	app_close(&g.app);
	for (int i = 0; g.ids && i < g.ncases; i++)
		free(g.ids[i]);
	free(g.ids);
	free(keyfile);
	arena_release(&a);
	return code;
}
