/*
 * bench/gen-state: a state-sized synthetic database for the Board report's benchmark
 * (bench/report.sh, bench/RESULTS.md). It writes straight into a new SQLite file with
 * the real schema (the migrations of src/store/sqlite_schema.c) and derives every
 * case's step rows with the real protocol engine (core/protocol), so the report reads
 * what a county's server would have written: recoveries over ten years in hundreds of
 * areas, their timelines (steps done on time or late, placements, screenings,
 * stability checks, missing episodes, arrests of exploiters, a few amendments),
 * participation, prosecutions and minor witnesses. Everything is synthetic and
 * deterministic (one seed); names are never generated, identities are random bytes.
 *
 *   gen-state --db PATH [--recoveries N] [--areas N] [--seed S]
 *             [--protocol FILE] [--end YYYY-MM-DD] [--years N]
 *
 * Default: 1,000,000 recoveries (about 20 million events) over the ten years before
 * 2026-01-01, in 500 areas. The file must not exist. Built and run by `make bench-data`.
 */
#include "lib/common.h"
#include <getopt.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include "core/protocol.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "lib/xorshift.h"
#include "store/sqlite_schema.h"

#define DAY 86400
#define HOUR 3600
#define MAX_STEPS 64
#define COUNTY_AREAS 10 /* areas per county: each county has its own services */

enum kind { K_LE, K_CW, K_PROB, K_ADV, K_MED, K_MH, K_PROS, K_NKIND };
static const char *const kind_names[K_NKIND] = { "law_enforcement", "child_welfare",
						 "probation",	    "advocacy",
						 "medical",	    "mental_health",
						 "prosecutor" };

struct gen {
	sqlite3 *db;
	uint64_t rng;
	int64_t start, end;
	long ncases;
	int nareas, ncounties;
	double *area_cdf;
	int64_t *le_agency;	 /* per area */
	int64_t (*svc)[K_NKIND]; /* per county: agency of each kind */
	int64_t protocol_id;
	struct protocol *proto;
	int *youth_recoveries; /* per youth id */
	long nyouth;
	int64_t next_event;
	struct ev *heap; /* events waiting to be written, earliest first (a binary heap) */
	size_t nheap, capheap;
	uint64_t seq;
	long events, steps, prosecutions, witnesses;
	sqlite3_stmt *ins_event, *ins_step, *ins_case, *ins_youth, *ins_part, *ins_pros,
		*ins_witness, *ins_def;
};

static bool chance(struct gen *g, double p)
{
	return (double)(xorshift_next(&g->rng) % 1000000) < p * 1000000.0;
}

static void die(struct gen *g, const char *what)
{
	fprintf(stderr, "gen-state: %s: %s\n", what, g->db ? sqlite3_errmsg(g->db) : "");
	exit(1);
}

static void exec(struct gen *g, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(g->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "gen-state: %s\n  in: %.200s\n", msg ? msg : "?", sql);
		exit(1);
	}
}

static sqlite3_stmt *prep(struct gen *g, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(g->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(g, sql);
	return st;
}

static void done(struct gen *g, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(g, "insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void random_blob(struct gen *g, unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)xorshift_next(&g->rng);
}

/* a unique case id: a bijective scramble of the case number in Crockford base32 */
static void case_id(long i, char out[16])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t x = ((uint64_t)i * 0x9E3779B97F4A7C15ull) & ((1ull << 50) - 1);

	memcpy(out, "SH-", 3);
	for (int k = 9; k >= 0; k--) {
		out[3 + k] = alphabet[x & 31];
		x >>= 5;
	}
	out[13] = '\0';
}

static int64_t add_agency(struct gen *g, const char *name, const char *kind, const char *area)
{
	sqlite3_stmt *st = prep(g, "INSERT INTO agencies(name, kind, home_area, created_at)"
				   " VALUES (?1, ?2, ?3, ?4)");
	sqlite3_stmt *ar = prep(g, "INSERT INTO agency_areas(agency_id, area) VALUES (?1, ?2)");
	sqlite3_stmt *us =
		prep(g, "INSERT INTO users(id, agency_id, username, display_name, role,"
			" password_hash, created_at) VALUES (?1, ?1, ?2, ?3, 'member', 'x', ?4)");
	int64_t id;
	char user[96];

	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, area, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, g->start);
	done(g, st);
	id = sqlite3_last_insert_rowid(g->db);
	sqlite3_bind_int64(ar, 1, id);
	sqlite3_bind_text(ar, 2, strcmp(kind, "law_enforcement") ? "*" : area, -1,
			  SQLITE_TRANSIENT);
	done(g, ar);
	/* one synthetic user per agency, with the agency's id: the author of its events */
	snprintf(user, sizeof(user), "bench%" PRId64, id);
	sqlite3_bind_int64(us, 1, id);
	sqlite3_bind_text(us, 2, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(us, 3, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(us, 4, g->start);
	done(g, us);
	sqlite3_finalize(st);
	sqlite3_finalize(ar);
	sqlite3_finalize(us);
	return id;
}

static void setup(struct gen *g, const char *protocol_file)
{
	struct buf text = BUF_INIT, errors = BUF_INIT;
	FILE *f = fopen(protocol_file, "re");
	char chunk[4096];
	size_t n;
	double total = 0, acc = 0;
	sqlite3_stmt *st;

	if (!f) {
		fprintf(stderr, "gen-state: %s: %s\n", protocol_file, strerror(errno));
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	if (protocol_parse(text.data, text.len, protocol_file, &g->proto, &errors)) {
		fprintf(stderr, "%s", errors.data);
		exit(1);
	}
	st = prep(g, "INSERT INTO protocols(name, version, effective, text, sha, loaded_at)"
		     " VALUES (?1, ?2, ?3, ?4, 'bench', ?5)");
	sqlite3_bind_text(st, 1, protocol_name(g->proto), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, protocol_version(g->proto), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, protocol_effective(g->proto), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, text.data, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, g->start);
	done(g, st);
	sqlite3_finalize(st);
	g->protocol_id = sqlite3_last_insert_rowid(g->db);
	buf_release(&text);
	buf_release(&errors);

	/* areas of very different sizes (a few cities, many small towns), grouped in counties */
	g->area_cdf = calloc((size_t)g->nareas, sizeof(double));
	g->le_agency = calloc((size_t)g->nareas, sizeof(int64_t));
	g->ncounties = (g->nareas + COUNTY_AREAS - 1) / COUNTY_AREAS;
	g->svc = calloc((size_t)g->ncounties, sizeof(*g->svc));
	for (int a = 0; a < g->nareas; a++)
		total += 1.0 / (1.0 + a * 0.35);
	for (int a = 0; a < g->nareas; a++) {
		char name[64], area[32];
		acc += 1.0 / (1.0 + a * 0.35) / total;
		g->area_cdf[a] = acc;
		snprintf(area, sizeof(area), "area-%03d", a + 1);
		snprintf(name, sizeof(name), "Police of area %03d (synthetic)", a + 1);
		g->le_agency[a] = add_agency(g, name, "law_enforcement", area);
	}
	for (int c = 0; c < g->ncounties; c++)
		for (int k = K_CW; k < K_NKIND; k++) {
			char name[96], area[32];
			snprintf(name, sizeof(name), "County %02d %s (synthetic)", c + 1,
				 kind_names[k]);
			snprintf(area, sizeof(area), "area-%03d", c * COUNTY_AREAS + 1);
			g->svc[c][k] = add_agency(g, name, kind_names[k], area);
		}
}

static int pick_area(struct gen *g)
{
	double u = (double)(xorshift_next(&g->rng) % 1000000000) / 1e9;
	int lo = 0, hi = g->nareas - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->area_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t agency_of(struct gen *g, int area, const char *kind)
{
	int c = area / COUNTY_AREAS;

	if (!kind || !strcmp(kind, "law_enforcement"))
		return g->le_agency[area];
	for (int k = K_CW; k < K_NKIND; k++)
		if (!strcmp(kind, kind_names[k]))
			return g->svc[c][k];
	return g->le_agency[area];
}

struct ev {
	const char *type, *section;
	int64_t at, agency, amends;
	char data[160];
	bool sealed;
	char case_id[14];
	uint64_t seq; /* ties in time keep the order they were made in */
};

struct kase {
	char id[16];
	int area;
	int64_t t0, agency;
	struct ev ev[96];
	int nev;
};

static struct ev *event(struct kase *k, const char *type, const char *section, int64_t at,
			int64_t agency)
{
	static struct ev spare; /* past the room for one case's timeline: dropped */
	struct ev *e = k->nev < (int)ARRAY_SIZE(k->ev) ? &k->ev[k->nev++] : &spare;

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->section = section;
	e->at = at;
	e->agency = agency;
	snprintf(e->data, sizeof(e->data), "{}");
	return e;
}

static bool ev_before(const struct ev *x, const struct ev *y)
{
	return x->at < y->at || (x->at == y->at && x->seq < y->seq);
}

static void heap_push(struct gen *g, const struct ev *e)
{
	size_t i;

	if (g->nheap == g->capheap) {
		g->capheap = g->capheap ? g->capheap * 2 : 1 << 16;
		g->heap = realloc(g->heap, g->capheap * sizeof(*g->heap));
		if (!g->heap) {
			fprintf(stderr, "gen-state: out of memory\n");
			exit(1);
		}
	}
	i = g->nheap++;
	g->heap[i] = *e;
	g->heap[i].seq = ++g->seq;
	while (i && ev_before(&g->heap[i], &g->heap[(i - 1) / 2])) {
		struct ev t = g->heap[i];
		g->heap[i] = g->heap[(i - 1) / 2];
		g->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct gen *g, struct ev *out)
{
	size_t i = 0;

	*out = g->heap[0];
	g->heap[0] = g->heap[--g->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct ev t;
		if (l < g->nheap && ev_before(&g->heap[l], &g->heap[m]))
			m = l;
		if (r < g->nheap && ev_before(&g->heap[r], &g->heap[m]))
			m = r;
		if (m == i)
			break;
		t = g->heap[i];
		g->heap[i] = g->heap[m];
		g->heap[m] = t;
		i = m;
	}
}

/* Writes the events that happened up to `until`, in time order across every case, as a
 * server records them (so a time range of events is a run of rows, not one per case). */
static void flush_events(struct gen *g, int64_t until)
{
	unsigned char blob[64];
	struct ev e;

	while (g->nheap && g->heap[0].at <= until) {
		sqlite3_stmt *st = g->ins_event;
		int64_t id = ++g->next_event;
		heap_pop(g, &e);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, e.case_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e.type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e.section, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, e.at);
		sqlite3_bind_int64(st, 6, e.at + xorshift_between(&g->rng, 60, 3 * HOUR));
		sqlite3_bind_int64(st, 7, e.agency);
		sqlite3_bind_int64(st, 8, e.agency);
		if (e.amends)
			sqlite3_bind_int64(st, 9, e.amends);
		sqlite3_bind_text(st, 10, e.data, -1, SQLITE_STATIC);
		if (e.sealed) {
			random_blob(g, blob, sizeof(blob));
			sqlite3_bind_blob(st, 11, blob, sizeof(blob), SQLITE_STATIC);
		}
		done(g, st);
		g->events++;
		/* a few stability checks are corrected by an amendment the next day */
		if (!strcmp(e.type, "stability_check") && chance(g, 0.003)) {
			struct ev a = e;
			a.at = e.at + DAY;
			a.amends = id;
			a.sealed = false;
			snprintf(a.data, sizeof(a.data),
				 "{\"engaged\":false,\"safe_placement\":true,\"stable\":false}");
			heap_push(g, &a);
		}
	}
}

static void queue_events(struct gen *g, struct kase *k)
{
	for (int i = 0; i < k->nev; i++) {
		memcpy(k->ev[i].case_id, k->id, sizeof(k->ev[i].case_id));
		heap_push(g, &k->ev[i]);
	}
}

static const char *const statuses[] = { "dependent", "probation", "both", "none", "unknown" };
static const char *const genders[] = { "female", "male", "nonbinary", "transgender female" };
static const char *const races[] = { "Black",	    "Latina/Latino",   "White",		  "Asian",
				     "Multiracial", "Native American", "Pacific Islander" };
static const char *const settings[] = { "home",	      "relative", "foster",   "shelter",
					"group_home", "str",	  "hospital", "other" };

static void one_case(struct gen *g, long i)
{
	static struct kase k;
	struct case_facts f = { 0 };
	struct missing_episode miss[2];
	struct step_event se[MAX_STEPS * 3];
	struct step_status steps[MAX_STEPS * 4];
	size_t nse = 0, nsteps = 0, nskip = 0;
	struct step_event skip[MAX_STEPS]; /* steps that will never be done */
	int64_t span = g->end - g->start, t0, youth;
	int roll = (int)(xorshift_next(&g->rng) % 100), status, age, recovery;
	const char *gender, *race, *by_kind;
	unsigned char identity[48];

	memset(&k, 0, sizeof(k));
	case_id(i, k.id);
	/* identifications in time order over the years */
	t0 = g->start + (int64_t)((double)span * (double)i / (double)g->ncases) +
	     xorshift_between(&g->rng, 0, span / g->ncases);
	k.t0 = t0;
	k.area = pick_area(g);
	status = roll < 55 ? 0 : roll < 75 ? 1 : roll < 85 ? 2 : roll < 95 ? 3 : 4;
	age = chance(g, 0.02) ? (int)xorshift_between(&g->rng, 18, 20)
			      : (int)xorshift_between(&g->rng, 11, 17);
	roll = (int)(xorshift_next(&g->rng) % 100);
	gender = roll < 80   ? genders[0]
		 : roll < 95 ? genders[1]
		 : roll < 98 ? genders[2]
		 : roll < 99 ? genders[3]
			     : NULL;
	race = chance(g, 0.04) ? NULL : races[xorshift_next(&g->rng) % ARRAY_SIZE(races)];
	roll = (int)(xorshift_next(&g->rng) % 100);
	by_kind = roll < 85 ? "law_enforcement" : roll < 95 ? "child_welfare" : "probation";
	k.agency = agency_of(g, k.area, by_kind);

	/* about one recovery in six is of a youth recovered before (re-exploitation) */
	if (g->nyouth > 1000 && chance(g, 0.17)) {
		youth = 1 + (int64_t)xorshift_between(&g->rng,
						      g->nyouth > 60000 ? g->nyouth - 60000 : 0,
						      g->nyouth - 1);
	} else {
		youth = ++g->nyouth;
		random_blob(g, identity, sizeof(identity));
		sqlite3_bind_int64(g->ins_youth, 1, youth);
		if (chance(g, 0.9)) {
			char bi[65];
			for (int b = 0; b < 64; b++)
				bi[b] = "0123456789abcdef"[xorshift_next(&g->rng) & 15];
			bi[64] = '\0';
			sqlite3_bind_text(g->ins_youth, 2, bi, 64, SQLITE_TRANSIENT);
		}
		sqlite3_bind_blob(g->ins_youth, 3, identity, sizeof(identity), SQLITE_STATIC);
		sqlite3_bind_int64(g->ins_youth, 4, t0);
		done(g, g->ins_youth);
	}
	recovery = ++g->youth_recoveries[youth];

	/* the facts the protocol runs on */
	f.identified_at = t0;
	f.status = (enum youth_status)status;
	f.age = age;
	f.identified_by = by_kind;
	if (chance(g, 0.3))
		f.last_assault_at = t0 - xorshift_between(&g->rng, 6 * HOUR, 60 * HOUR);
	if (chance(g, 0.25)) {
		miss[0].start = t0 + xorshift_between(&g->rng, 8, 60) * DAY;
		miss[0].end = miss[0].start + xorshift_between(&g->rng, 1, 14) * DAY;
		f.nmissing = 1;
		if (chance(g, 0.2)) {
			miss[1].start = miss[0].end + xorshift_between(&g->rng, 20, 90) * DAY;
			miss[1].end = miss[1].start + xorshift_between(&g->rng, 1, 20) * DAY;
			f.nmissing = 2;
		}
		for (size_t m = 0; m < f.nmissing; m++) {
			if (miss[m].start > g->end) {
				f.nmissing = m;
				break;
			}
			if (miss[m].end > g->end)
				miss[m].end = 0;
		}
		f.missing = miss;
	}
	f.events = se;

	event(&k, "identification", "core", t0, k.agency);
	snprintf(k.ev[k.nev - 1].data, sizeof(k.ev[0].data),
		 "{\"area\":\"area-%03d\",\"youth_status\":\"%s\"}", k.area + 1, statuses[status]);

	/* steps: each round settles the steps that have a deadline, until none is left */
	for (int round = 0; round < 4; round++) {
		bool added = false;
		f.nevents = nse;
		if (protocol_evaluate(g->proto, &f, g->end, steps, ARRAY_SIZE(steps), &nsteps)) {
			fprintf(stderr, "gen-state: protocol evaluation failed\n");
			exit(1);
		}
		for (size_t s = 0; s < nsteps; s++) {
			struct step_status *x = &steps[s];
			int64_t window, doneat;
			double u;
			bool known = false;
			if (x->state != STEP_PENDING || !x->due_at || !x->opened_at)
				continue;
			for (size_t q = 0; q < nse && !known; q++)
				known = !strcmp(se[q].step, x->key) && se[q].episode == x->episode;
			for (size_t q = 0; q < nskip && !known; q++)
				known = !strcmp(skip[q].step, x->key) &&
					skip[q].episode == x->episode;
			if (known || nse >= ARRAY_SIZE(se))
				continue;
			/* most on time, some late, a few never done */
			u = (double)(xorshift_next(&g->rng) % 1000) / 1000.0;
			if (u < 0.03) {
				if (nskip < ARRAY_SIZE(skip)) {
					skip[nskip].step = x->key;
					skip[nskip++].episode = x->episode;
				}
				continue;
			}
			window = x->due_at - x->opened_at;
			if (window < 600)
				window = 600;
			doneat = x->opened_at +
				 (int64_t)((double)window *
					   (u < 0.86 ? 0.15 + u * 0.9 : 1.05 + (u - 0.86) * 8));
			if (doneat < t0 + 300)
				doneat = t0 + 300 + xorshift_between(&g->rng, 0, 3600);
			if (doneat > g->end)
				continue;
			se[nse].step = x->key;
			se[nse].episode = x->episode;
			se[nse].waived = chance(g, 0.005);
			se[nse].at = doneat;
			nse++;
			added = true;
			{
				struct ev *e =
					event(&k, se[nse - 1].waived ? "step_waived" : "step_done",
					      "core", doneat, agency_of(g, k.area, x->owner));
				snprintf(e->data, sizeof(e->data),
					 "{\"episode\":%d,\"step\":\"%s\"}", x->episode, x->key);
				e->sealed = se[nse - 1].waived;
			}
		}
		if (!added)
			break;
	}
	f.nevents = nse;
	if (protocol_evaluate(g->proto, &f, g->end, steps, ARRAY_SIZE(steps), &nsteps))
		exit(1);

	/* the rest of the timeline */
	{
		int64_t lead = agency_of(g, k.area, status == 1 ? "probation" : "child_welfare");
		int64_t adv = agency_of(g, k.area, "advocacy");
		struct ev *e;
		bool detention = chance(g, 0.003);
		int64_t t;

		e = event(&k, "placement", "placement",
			  t0 + xorshift_between(&g->rng, 3, 14) * HOUR, lead);
		if (detention)
			snprintf(e->data, sizeof(e->data),
				 "{\"deviation\":true,\"setting\":\"detention\"}");
		else
			snprintf(e->data, sizeof(e->data), "{\"setting\":\"%s\"}",
				 settings[xorshift_next(&g->rng) % ARRAY_SIZE(settings)]);
		e->sealed = detention;
		e = event(&k, "screening", "core", t0 + xorshift_between(&g->rng, 20, 60) * HOUR,
			  lead);
		snprintf(e->data, sizeof(e->data),
			 "{\"level\":\"%s\",\"tool\":\"CSE-IT\",\"version\":\"2.0\"}",
			 chance(g, 0.8) ? "clear concern" : "possible concern");
		e = event(&k, "advocate_note", "advocacy",
			  t0 + xorshift_between(&g->rng, 1, 6) * HOUR, adv);
		snprintf(e->data, sizeof(e->data), "{\"confidentiality_explained\":true}");
		e->sealed = true;
		for (int d = 0; d < 3; d++) {
			static const int days[] = { 30, 90, 180 };
			if (d == 2 && chance(g, 0.5))
				continue; /* fewer checks at 180 days */
			t = t0 + days[d] * DAY + xorshift_between(&g->rng, -4, 6) * DAY;
			if (t > g->end)
				break;
			e = event(&k, "stability_check", "core", t, adv);
			snprintf(e->data, sizeof(e->data),
				 "{\"engaged\":%s,\"safe_placement\":%s,\"stable\":%s}",
				 chance(g, 0.75) ? "true" : "false",
				 chance(g, 0.8) ? "true" : "false",
				 chance(g, 0.7) ? "true" : "false");
			e->sealed = chance(g, 0.3);
		}
		for (size_t m = 0; m < f.nmissing; m++) {
			event(&k, "missing_start", "missing", miss[m].start, lead);
			if (miss[m].end)
				event(&k, "missing_end", "missing", miss[m].end, lead);
		}
		if (chance(g, 0.1) &&
		    (t = t0 + xorshift_between(&g->rng, 5, 120) * DAY) <= g->end) {
			e = event(&k, "exploiter_arrest", "law_enforcement", t,
				  g->le_agency[k.area]);
			snprintf(e->data, sizeof(e->data),
				 "{\"charge\":\"PC 236.1\",\"role\":\"%s\"}",
				 chance(g, 0.7) ? "exploiter" : "buyer");
		}
		if (chance(g, 0.002) &&
		    (t = t0 + xorshift_between(&g->rng, 10, 200) * DAY) <= g->end) {
			e = event(&k, "arrest", "law_enforcement", t, g->le_agency[k.area]);
			snprintf(e->data, sizeof(e->data),
				 "{\"deviation\":true,\"offense\":\"PC 459\"}");
			e->sealed = true;
		}
		if (chance(g, 0.4) &&
		    (t = t0 + xorshift_between(&g->rng, 190, 400) * DAY) <= g->end) {
			e = event(&k, "close", "core", t, lead);
			snprintf(e->data, sizeof(e->data),
				 "{\"reason\":\"stable_services_ended\"}");
		}
	}

	/* the case, its participation, its steps and its timeline */
	{
		sqlite3_stmt *st = g->ins_case;
		char area[32];
		int64_t seen[8];
		int nseen = 0;
		snprintf(area, sizeof(area), "area-%03d", k.area + 1);
		sqlite3_bind_text(st, 1, k.id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, youth);
		sqlite3_bind_int(st, 3, recovery);
		sqlite3_bind_int64(st, 4, t0);
		sqlite3_bind_int64(st, 5, t0 + xorshift_between(&g->rng, 180, 1800));
		sqlite3_bind_text(st, 6, area, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, statuses[status], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, k.agency);
		sqlite3_bind_int64(st, 9, k.agency);
		sqlite3_bind_int64(st, 10, g->protocol_id);
		sqlite3_bind_int(st, 11, age);
		sqlite3_bind_int(st, 12, chance(g, 0.2));
		if (gender)
			sqlite3_bind_text(st, 13, gender, -1, SQLITE_STATIC);
		if (race)
			sqlite3_bind_text(st, 14, race, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 15, f.last_assault_at);
		done(g, st);
		seen[nseen++] = k.agency;
		for (size_t s = 0; s < nsteps; s++) {
			int64_t a = steps[s].owner ? agency_of(g, k.area, steps[s].owner) : 0;
			bool have = !a;
			for (int q = 0; q < nseen; q++)
				have |= seen[q] == a;
			if (!have && nseen < 8)
				seen[nseen++] = a;
		}
		for (int q = 0; q < nseen; q++) {
			sqlite3_bind_text(g->ins_part, 1, k.id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(g->ins_part, 2, seen[q]);
			sqlite3_bind_text(g->ins_part, 3, q ? "routed" : "identified", -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(g->ins_part, 4, t0);
			done(g, g->ins_part);
		}
		for (size_t s = 0; s < nsteps; s++) {
			st = g->ins_step;
			sqlite3_bind_text(st, 1, k.id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, steps[s].key, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, steps[s].episode);
			if (steps[s].owner)
				sqlite3_bind_text(st, 4, steps[s].owner, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, protocol_state_name(steps[s].state), -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(st, 6, steps[s].opened_at);
			sqlite3_bind_int64(st, 7, steps[s].due_at);
			sqlite3_bind_int64(st, 8, steps[s].done_at);
			done(g, st);
			g->steps++;
		}
	}

	/* now and then a prosecution with this youth as its minor witness */
	if (chance(g, 0.012)) {
		int64_t filed = t0 + xorshift_between(&g->rng, 20, 200) * DAY, listed, pros;
		int64_t pa = agency_of(g, k.area, "prosecutor");
		char number[32];
		unsigned char name[40];
		if (filed <= g->end) {
			snprintf(number, sizeof(number), "BN%07ld", i);
			sqlite3_bind_int64(g->ins_pros, 1, pa);
			sqlite3_bind_text(g->ins_pros, 2, number, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(g->ins_pros, 3, filed);
			if (filed + 400 * DAY <= g->end && chance(g, 0.7)) {
				sqlite3_bind_text(g->ins_pros, 4,
						  chance(g, 0.6)   ? "convicted"
						  : chance(g, 0.5) ? "plea"
								   : "dismissed",
						  -1, SQLITE_STATIC);
				sqlite3_bind_int64(g->ins_pros, 5,
						   filed + xorshift_between(&g->rng, 100, 400) *
								   DAY);
			}
			sqlite3_bind_int64(g->ins_pros, 6, filed);
			done(g, g->ins_pros);
			pros = sqlite3_last_insert_rowid(g->db);
			g->prosecutions++;
			random_blob(g, name, sizeof(name));
			sqlite3_bind_int64(g->ins_def, 1, pros);
			sqlite3_bind_blob(g->ins_def, 2, name, sizeof(name), SQLITE_STATIC);
			sqlite3_bind_int64(g->ins_def, 3, filed);
			done(g, g->ins_def);
			listed = filed + xorshift_between(&g->rng, 1, 30) * DAY;
			if (listed <= g->end && age < 18) {
				int64_t w;
				struct ev *e;
				sqlite3_bind_int64(g->ins_witness, 1, pros);
				sqlite3_bind_text(g->ins_witness, 2, k.id, -1, SQLITE_STATIC);
				sqlite3_bind_int64(g->ins_witness, 3, listed);
				done(g, g->ins_witness);
				w = sqlite3_last_insert_rowid(g->db);
				g->witnesses++;
				if (chance(g, 0.9) && listed + 3 * DAY <= g->end) {
					e = event(&k, "witness_advocate", "court",
						  listed + xorshift_between(&g->rng, 0, 3) * DAY,
						  agency_of(g, k.area, "advocacy"));
					snprintf(e->data, sizeof(e->data),
						 "{\"user_id\":%" PRId64 ",\"witness_id\":%" PRId64
						 "}",
						 e->agency, w);
				}
				if (chance(g, 0.7) && listed + 20 * DAY <= g->end) {
					e = event(&k, "safety_plan_signoff", "court",
						  listed + xorshift_between(&g->rng, 5, 20) * DAY,
						  pa);
					snprintf(e->data, sizeof(e->data),
						 "{\"kind\":\"prosecutor\",\"witness_id\":%" PRId64
						 "}",
						 w);
				}
				if (chance(g, 0.3) && listed + 30 * DAY <= g->end) {
					e = event(&k, "cctv_motion", "court",
						  listed + xorshift_between(&g->rng, 10, 30) * DAY,
						  pa);
					snprintf(
						e->data, sizeof(e->data),
						"{\"outcome\":\"%s\",\"rule\":\"county policy\",\"witness_id\":%" PRId64
						"}",
						chance(g, 0.5) ? "granted" : "filed", w);
				}
			}
		}
	}
	queue_events(g, &k);
	flush_events(g, t0);
}

/*
 * The database's key file (PATH without .db, plus .key), as `safeharbor init` makes it,
 * and its key check value in the settings (api/keycheck.c's "key.check"): the commands
 * refuse a database without them. The generated sealed values are random bytes that no
 * key opens; the report never opens them. check: "ID:HEX", for the settings row.
 */
static int make_key_file(const char *db, char check[80])
{
	struct sh_error err = SH_ERROR_INIT;
	struct shcrypto_keys k = { 0 };
	char *path = shcrypto_keyfile_path(db), hex[65];
	int bad = !path || shcrypto_init(&err) != SH_OK ||
		  shcrypto_keyfile_create(path, &err) != SH_OK ||
		  shcrypto_keyfile_load(path, &k, &err) != SH_OK;

	if (bad) {
		fprintf(stderr, "gen-state: key file %s: %s\n", path ? path : "(none)",
			path ? err.detail : "out of memory");
	} else {
		shcrypto_key_check(&k, k.nkeys - 1, hex);
		snprintf(check, 80, "%" PRIu32 ":%s", k.ids[k.nkeys - 1], hex);
	}
	shcrypto_keys_release(&k);
	free(path);
	return bad;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "recoveries", required_argument, NULL, 'n' },
		{ "areas", required_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 's' },
		{ "protocol", required_argument, NULL, 'p' },
		{ "end", required_argument, NULL, 'e' },
		{ "years", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct gen g = { 0 };
	const char *db = NULL, *protocol = "protocols/la-county-frp.protocol", *end = "2026-01-01";
	struct sh_date d;
	struct stat st;
	long years = 10;
	int c;
	char sql[64], check[80];
	sqlite3_stmt *setting;
	time_t began = time(NULL);

	g.ncases = 1000000;
	g.nareas = 500;
	g.rng = 0x5afe57a7eULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': g.ncases = strtol(optarg, NULL, 10); break;
		case 'a': g.nareas = (int)strtol(optarg, NULL, 10); break;
		case 's': g.rng = strtoull(optarg, NULL, 10) | 1; break;
		case 'p': protocol = optarg; break;
		case 'e': end = optarg; break;
		case 'y': years = strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr,
				"usage: gen-state --db PATH [--recoveries N] [--areas N] [--seed S]"
				" [--protocol FILE] [--end YYYY-MM-DD] [--years N]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!db || g.ncases < 1 || g.nareas < 1 || years < 1 || timefmt_parse_date(end, &d)) {
		fprintf(stderr,
			"gen-state: --db is required; counts must be positive; --end YYYY-MM-DD\n");
		return 2;
	}
	if (stat(db, &st) == 0) {
		fprintf(stderr, "gen-state: %s exists; remove it first\n", db);
		return 1;
	}
	if (make_key_file(db, check))
		return 1;
	g.end = timefmt_date_to_time(d);
	g.start = timefmt_days_from_civil(d.year - (int)years, d.month, d.day) * DAY;
	if (sqlite3_open(db, &g.db) != SQLITE_OK)
		die(&g, db);
	/* a bulk load: no journal, no fsync, a large cache; the file is complete at the end */
	exec(&g, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
		 "PRAGMA cache_size=-3000000; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;");
	for (int v = 1; v <= sqlite_schema_count(); v++)
		exec(&g, sqlite_schema_migration(v));
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", sqlite_schema_count());
	exec(&g, sql);
	exec(&g, "BEGIN");
	setting = prep(&g, "INSERT INTO settings(key, value) VALUES ('key.check', ?1)");
	sqlite3_bind_text(setting, 1, check, -1, SQLITE_STATIC);
	done(&g, setting);
	sqlite3_finalize(setting);
	setup(&g, protocol);
	g.youth_recoveries = calloc((size_t)g.ncases + 2, sizeof(int));
	g.ins_event = prep(
		&g, "INSERT INTO events(id, case_id, type, section, at, recorded_at, user_id,"
		    " agency_id, amends, data, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		    " ?10, ?11)");
	g.ins_step =
		prep(&g, "INSERT INTO case_steps(case_id, step, episode, owner, state, opened_at,"
			 " due_at, done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	g.ins_case = prep(
		&g, "INSERT INTO cases(id, youth_id, recovery_no, identified_at, recorded_at,"
		    " area, youth_status, identified_by_agency, identified_by_user, protocol_id,"
		    " age, age_estimated, gender, race_ethnicity, last_assault_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
	g.ins_youth = prep(&g, "INSERT INTO youth(id, blind_index, identity, created_at)"
			       " VALUES (?1, ?2, ?3, ?4)");
	g.ins_part = prep(&g, "INSERT INTO case_agencies(case_id, agency_id, reason, joined_at)"
			      " VALUES (?1, ?2, ?3, ?4)");
	g.ins_pros = prep(
		&g, "INSERT INTO prosecutions(agency_id, court_case_number, court, charges,"
		    " filed_at, outcome, outcome_at, created_at, created_by)"
		    " VALUES (?1, ?2, 'Superior Court (synthetic)', '[\"PC 236.1(c)\"]', ?3, ?4,"
		    " coalesce(?5, 0), ?6, ?1)");
	g.ins_def = prep(&g, "INSERT INTO defendants(prosecution_id, role, name_sealed, charges,"
			     " created_at) VALUES (?1, 'exploiter', ?2, '[\"PC 236.1(c)\"]', ?3)");
	g.ins_witness = prep(&g, "INSERT INTO witnesses(prosecution_id, case_id, listed_at)"
				 " VALUES (?1, ?2, ?3)");
	for (long i = 0; i < g.ncases; i++) {
		one_case(&g, i);
		if ((i + 1) % 100000 == 0) {
			exec(&g, "COMMIT; BEGIN");
			fprintf(stderr, "gen-state: %ld recoveries, %ld events (%lds)\n", i + 1,
				g.events, (long)(time(NULL) - began));
		}
	}
	flush_events(&g, INT64_MAX);
	exec(&g, "COMMIT");
	sqlite3_finalize(g.ins_event);
	sqlite3_finalize(g.ins_step);
	sqlite3_finalize(g.ins_case);
	sqlite3_finalize(g.ins_youth);
	sqlite3_finalize(g.ins_part);
	sqlite3_finalize(g.ins_pros);
	sqlite3_finalize(g.ins_def);
	sqlite3_finalize(g.ins_witness);
	sqlite3_close(g.db);
	printf("%s: %ld recoveries of %ld youth, %ld events, %ld step rows, %ld prosecutions, "
	       "%ld witnesses, %d areas, in %lds\n",
	       db, g.ncases, g.nyouth, g.events, g.steps, g.prosecutions, g.witnesses, g.nareas,
	       (long)(time(NULL) - began));
	protocol_free(g.proto);
	free(g.area_cdf);
	free(g.le_agency);
	free(g.svc);
	free(g.youth_recoveries);
	free(g.heap);
	return 0;
}
