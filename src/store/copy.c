/*
 * Copying a county between databases through two stores (store/copy.h): the table list and
 * the transaction; each backend reads and writes rows as stored (sqlite_rows.c, pg_rows.c).
 */
#include "lib/common.h"
#include "store/copy.h"

/* in an order their references allow; stability_events is kept by triggers on events */
const struct copy_table copy_tables[] = {
	{ "settings", "rowid", "key", NULL, false },
	{ "audit", "rowid", "seq", NULL, false },
	{ "agencies", "rowid", "id", NULL, false },
	{ "agency_areas", "rowid", "1, 2", NULL, false },
	{ "users", "rowid", "id", NULL, false },
	{ "sessions", "rowid", "1", NULL, false },
	{ "tokens", "rowid", "id", NULL, false },
	{ "recovery_codes", "rowid", "id", NULL, false },
	{ "oidc_requests", "rowid", "1", NULL, false },
	{ "protocols", "rowid", "id", NULL, false },
	{ "youth", "rowid", "id", NULL, false },
	{ "youth_search", "term, youth_id", "term, youth_id", NULL, false },
	{ "youth_keys", "rowid", "youth_id", NULL, false },
	{ "cases", "rowid", "seq", "seq", false },
	{ "case_agencies", "rowid", "case_id, agency_id", NULL, false },
	{ "events", "rowid", "id", NULL, false },
	{ "case_steps", "rowid", "case_id, step, episode", NULL, false },
	{ "idempotency", "rowid", "1", NULL, false },
	{ "case_workers", "rowid", "1, 2", NULL, false },
	{ "user_prefs", "rowid", "1", NULL, false },
	{ "case_holds", "rowid", "case_id", NULL, false },
	{ "case_derived", "rowid", "case_id", NULL, false },
	{ "prosecutions", "rowid", "id", NULL, false },
	{ "defendants", "rowid", "id", NULL, false },
	{ "hearings", "rowid", "id", NULL, false },
	{ "witnesses", "rowid", "id", NULL, false },
	{ "user_channels", "rowid", "user_id", NULL, false },
	{ "roster", "rowid", "id", NULL, false },
	{ "summons", "rowid", "id", NULL, false },
	{ "outbox", "rowid", "id", NULL, false },
	{ "step_alerts", "rowid", "1, 2, 3, 4", NULL, false },
	{ "notices", "rowid", "id", NULL, false },
	{ "calendar_feeds", "rowid", "1", NULL, false },
	{ "stability_events", "rowid", "event_id", NULL, true },
};
const size_t copy_ntables = ARRAY_SIZE(copy_tables);

const struct copy_table *copy_table_find(const char *name)
{
	for (size_t i = 0; i < copy_ntables; i++)
		if (!strcmp(copy_tables[i].name, name))
			return &copy_tables[i];
	return NULL;
}

struct copy {
	struct store *from;
	struct store_conn *to;
	copy_progress_fn progress;
	void *ctx;
	struct copy_count *counts;
	const char *table;
	int64_t done, total;
};

static enum sh_code put_row(void *arg, const struct store_row *r, struct sh_error *err)
{
	struct copy *k = arg;
	enum sh_code rc = store_row_insert(k->to, k->table, r, err);

	if (!rc && ++k->done % 2000 == 0 && k->progress)
		k->progress(k->ctx, k->table, k->done, k->total);
	return rc;
}

static enum sh_code copy_all(struct store_conn *to, void *arg, struct sh_error *err)
{
	struct copy *k = arg;
	struct store_conn *from = NULL;
	enum sh_code rc = SH_OK;
	int64_t n;

	k->to = to;
	for (size_t i = 0; i < copy_ntables; i++) {
		if ((rc = store_rows_count(to, copy_tables[i].name, &n, err)))
			return rc;
		if (n > 0)
			return sh_error_set(err, SH_ECONFLICT,
					    "the target database already holds data (table %s: "
					    "%" PRId64
					    " row%s); nothing was copied: migrate copies "
					    "into an empty database only",
					    copy_tables[i].name, n, n == 1 ? "" : "s");
	}
	if ((rc = store_read_begin(k->from, &from, err)))
		return rc;
	for (size_t i = 0; !rc && i < copy_ntables; i++) {
		const struct copy_table *t = &copy_tables[i];

		k->table = t->name;
		k->done = 0;
		k->counts[i] = (struct copy_count){ t->name, 0 };
		if ((rc = store_rows_count(from, t->name, &k->total, err)))
			break;
		k->counts[i].rows = k->total;
		if (!t->derived && (rc = store_rows_scan(from, t->name, put_row, k, err)))
			break;
		if (k->progress)
			k->progress(k->ctx, t->name, k->total, k->total);
	}
	store_read_end(from);
	if (rc || (rc = store_copy_finish(to, err)))
		return rc;
	/* every table holds what the source held (the derived ones as the triggers made them) */
	for (size_t i = 0; i < copy_ntables; i++) {
		if ((rc = store_rows_count(to, copy_tables[i].name, &n, err)))
			return rc;
		if (n != k->counts[i].rows)
			return sh_error_set(err, SH_ESTORE,
					    "table %s: %" PRId64 " rows in the target, %" PRId64
					    " in the source; nothing was copied",
					    copy_tables[i].name, n, k->counts[i].rows);
	}
	return SH_OK;
}

enum sh_code store_copy_county(struct store *from, struct store *to, copy_progress_fn progress,
			       void *ctx, struct copy_count *counts, struct sh_error *err)
{
	struct copy k = { .from = from, .progress = progress, .ctx = ctx, .counts = counts };

	return store_write(to, copy_all, &k, err);
}
