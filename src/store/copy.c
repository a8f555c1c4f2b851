/*
 * Copying a county between databases through two stores (store/copy.h): the table list and
 * the transaction; each backend reads and writes rows as stored (sqlite_rows.c, pg_rows.c).
 */
#include "lib/common.h"
#include "store/copy.h"

/* in an order their references allow; stability_events is kept by triggers on events */
const struct copy_table copy_tables[] = {
	{ "settings", "rowid", "key", NULL, false },
	{ "audit", "rowid", "seq", "id", false },
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

const struct copy_table *copy_table_find(const char *name, struct sh_error *err)
{
	for (size_t i = 0; i < copy_ntables; i++)
		if (!strcmp(copy_tables[i].name, name))
			return &copy_tables[i];
	sh_error_set(err, SH_EINTERNAL, "not a table a county is copied by: %s", name);
	return NULL;
}

bool copy_column_generated(const struct copy_table *t, const char *col)
{
	return t->pg_only && !strcmp(col, t->pg_only);
}

/* rows written together: at most this many, or this many values (PostgreSQL takes 65,535
 * parameters in one statement) */
#define BATCH_ROWS 500
#define BATCH_VALUES 20000

struct copy {
	struct store *from;
	struct store_conn *to;
	copy_progress_fn progress;
	void *ctx;
	struct copy_result *out;
	const char *table;
	int64_t done, total;
	/* the rows read and not yet written, copied into the arena */
	struct arena a;
	struct store_row rows[BATCH_ROWS];
	size_t nrows, nvalues;
};

/* a column name the backends may write into a statement: a plain lowercase identifier */
static bool plain(const char *name)
{
	return *name && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name);
}

/* SH_ECONFLICT naming the first table of the target that holds a row */
static enum sh_code target_empty(struct store_conn *to, struct sh_error *err)
{
	enum sh_code rc;
	int64_t n;

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
	return SH_OK;
}

enum sh_code store_copy_target_empty(struct store *to, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(to, &c, err);

	if (!rc)
		rc = target_empty(c, err);
	store_read_end(c);
	return rc;
}

static enum sh_code flush(struct copy *k, struct sh_error *err)
{
	enum sh_code rc =
		k->nrows ? store_rows_insert(k->to, k->table, k->rows, k->nrows, err) : SH_OK;

	k->done += (int64_t)k->nrows;
	k->nrows = k->nvalues = 0;
	arena_release(&k->a);
	if (!rc && k->progress)
		k->progress(k->ctx, k->table, k->done, k->total);
	return rc;
}

/* a row of the scan, kept until its batch is written (the scan's buffers are reused) */
static enum sh_code put_row(void *arg, const struct store_row *r, struct sh_error *err)
{
	struct copy *k = arg;
	enum sh_code rc;
	const char **cols;
	struct store_value *v;

	if (k->nrows && (k->nrows == BATCH_ROWS || k->nvalues + r->n > BATCH_VALUES) &&
	    (rc = flush(k, err)))
		return rc;
	if (k->nrows) {
		cols = (const char **)k->rows[0].cols;
	} else if ((cols = arena_alloc(&k->a, r->n * sizeof(*cols)))) {
		for (size_t i = 0; i < r->n && cols; i++) {
			if (!plain(r->cols[i]))
				return sh_error_set(err, SH_ESTORE,
						    "table %s: a column named %s is not copied",
						    k->table, r->cols[i]);
			if (!(cols[i] = arena_strdup(&k->a, r->cols[i])))
				cols = NULL;
		}
	}
	if (!cols || !(v = arena_alloc(&k->a, r->n * sizeof(*v))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n; i++) {
		v[i] = r->v[i];
		if (v[i].kind != SV_TEXT && v[i].kind != SV_BLOB)
			continue;
		/* text stays NUL-terminated for the backends that take it so */
		if (!(v[i].p = arena_alloc(&k->a, v[i].len + 1)))
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		memcpy((void *)v[i].p, r->v[i].p, v[i].len);
	}
	k->rows[k->nrows++] = (struct store_row){ r->n, cols, v };
	k->nvalues += r->n;
	return SH_OK;
}

static enum sh_code copy_all(struct store_conn *to, void *arg, struct sh_error *err)
{
	struct copy *k = arg;
	struct store_conn *from = NULL;
	enum sh_code rc = SH_OK;
	int64_t n;

	k->to = to;
	k->nrows = k->nvalues = 0; /* PostgreSQL may run this again */
	arena_release(&k->a);
	if ((rc = target_empty(to, err)))
		return rc;
	if ((rc = store_read_begin(k->from, &from, err)))
		return rc;
	/* the chain copied is the linked one (rows in seq order): a row not linked yet
	 * (PostgreSQL: store_audit_link_all links them) has no place to copy it at */
	if (!(rc = store_audit_unlinked(from, &n, err)) && n)
		rc = sh_error_set(err, SH_ECONFLICT,
				  "the source has %" PRId64 " audit rows not linked into the chain "
				  "yet: a server is still writing to it (stop every server of the "
				  "county, then copy again); nothing was copied",
				  n);
	if (!rc)
		rc = store_audit_head(from, &k->out->audit_seq, k->out->audit_head, err);
	for (size_t i = 0; !rc && i < copy_ntables; i++) {
		const struct copy_table *t = &copy_tables[i];

		k->table = t->name;
		k->done = 0;
		if ((rc = store_rows_count(from, t->name, &k->total, err)))
			break;
		k->out->counts[i] = (struct copy_count){ t->name, k->total };
		if (t->derived)
			k->done = k->total;
		else if ((rc = store_rows_scan(from, t->name, put_row, k, err)) ||
			 (rc = flush(k, err)))
			break;
	}
	store_read_end(from);
	arena_release(&k->a);
	if (rc || (rc = store_copy_finish(to, err)))
		return rc;
	/* every table holds what the source held (the derived ones as the triggers made them) */
	for (size_t i = 0; i < copy_ntables; i++) {
		if ((rc = store_rows_count(to, copy_tables[i].name, &n, err)))
			return rc;
		if (n != k->out->counts[i].rows)
			return sh_error_set(err, SH_ESTORE,
					    "table %s: %" PRId64 " rows in the target, %" PRId64
					    " in the source; nothing was copied",
					    copy_tables[i].name, n, k->out->counts[i].rows);
	}
	return SH_OK;
}

enum sh_code store_copy_county(struct store *from, struct store *to, copy_progress_fn progress,
			       void *ctx, struct copy_result *out, struct sh_error *err)
{
	struct copy *k = calloc(1, sizeof(*k));
	enum sh_code rc;

	if (!k)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	if (copy_ntables > ARRAY_SIZE(out->counts)) {
		free(k);
		return sh_error_set(err, SH_EINTERNAL, "more tables than a copy counts");
	}
	*k = (struct copy){ .from = from, .progress = progress, .ctx = ctx, .out = out };
	if (!(rc = store_audit_link_all(from, NULL, err)))
		rc = store_write(to, copy_all, k, err);
	arena_release(&k->a);
	free(k);
	return rc;
}
