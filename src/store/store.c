/* Picks the backend for a database address; everything else goes through its ops. */
#include "lib/common.h"
#include "lib/buf.h"
#include "lib/workq.h"
#include "store/pg.h"
#include "store/sqlite.h"
#include "store/sqlite_schema.h"
#include "store/store.h"

bool store_is_uri(const char *path)
{
	return !strncmp(path, "postgres://", 11) || !strncmp(path, "postgresql://", 13);
}

const char *store_shown(const char *path, char *out, size_t n)
{
	struct buf b = BUF_INIT;
	const char *host, *end, *at, *colon, *p, *q;

	if (!store_is_uri(path) || n == 0)
		return path;
	host = strstr(path, "://") + 3;
	end = host + strcspn(host, "/?");
	/* user:PASSWORD@host */
	at = memchr(host, '@', (size_t)(end - host));
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (colon) {
		buf_add(&b, path, (size_t)(colon + 1 - path));
		buf_adds(&b, "***");
		p = at;
	} else {
		p = path;
	}
	/* ?a=1&password=PASSWORD&b=2 */
	q = strchr(p, '?');
	buf_add(&b, p, q ? (size_t)(q - p) : strlen(p));
	for (p = q; p && *p; p += strcspn(p + 1, "&") + 1) {
		size_t len = strcspn(p + 1, "&") + 1; /* the separator and the parameter */
		if (!strncmp(p + 1, "password=", 9)) {
			buf_add(&b, p, 10);
			buf_adds(&b, "***");
		} else {
			buf_add(&b, p, len);
		}
	}
	snprintf(out, n, "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

/* What works on a database file only: a file copy, SQLite's integrity check. */
static enum sh_code sqlite_only(const char *path, struct sh_error *err)
{
	if (store_is_uri(path))
		/* not the address: it may hold a password */
		return sh_error_set(err, SH_EINVAL,
				    "this works on a SQLite database file only; back up a "
				    "PostgreSQL database with pg_basebackup (docs/operations.md, "
				    "section 11)");
	return SH_OK;
}

enum sh_code store_open(const char *path, const struct store_options *o, struct store **out,
			struct sh_error *err)
{
	struct store_options dflt = { 0 };

	*out = NULL;
	if (!o)
		o = &dflt;
	if (store_is_uri(path))
		return pg_store_ops.open(out, path, o, err);
	return sqlite_store_ops.open(out, path, o, err);
}

enum sh_code store_copy(const char *from, const char *to, bool standalone, int step_pages,
			store_progress_fn progress, void *ctx, struct store_copy_result *res,
			struct sh_error *err)
{
	enum sh_code rc;

	if ((rc = sqlite_only(from, err)) || (rc = sqlite_only(to, err)))
		return rc;
	return sqlite_copy(from, to, standalone, step_pages, progress, ctx, res, err);
}

enum sh_code store_integrity_check(const char *path, struct sh_error *err)
{
	enum sh_code rc = sqlite_only(path, err);

	return rc ? rc : sqlite_integrity_check(path, err);
}

int store_peek_version(const char *path, struct sh_error *err)
{
	if (store_is_uri(path))
		return pg_peek_version(path, err);
	return sqlite_peek_version(path, err);
}

void store_stats(struct store *s, struct store_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (s->ops->stats)
		s->ops->stats(s, out);
}

uint64_t store_cred_gen(struct store *s)
{
	return s->ops->cred_gen ? s->ops->cred_gen(s) : 0;
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

int store_schema_version(struct store *s)
{
	return s->ops->schema_version(s);
}

int store_schema_latest(void)
{
	return sqlite_schema_count();
}

enum sh_code store_write(struct store *s, store_write_fn fn, void *arg, struct sh_error *err)
{
	return s->ops->write(s, fn, arg, err);
}

static enum sh_code link_page(struct store_conn *c, void *arg, struct sh_error *err)
{
	return store_audit_link(c, true, arg, err);
}

enum sh_code store_audit_link_all(struct store *s, int64_t *linked, struct sh_error *err)
{
	struct store_conn *c;
	int64_t n = 0, total = 0;
	enum sh_code rc;

	/* nothing waiting (SQLite, always): no write */
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_audit_unlinked(c, &n, err);
	store_read_end(c);
	/* a page short of full: every row committed before it began is linked */
	while (!rc && n > 0) {
		if ((rc = store_write(s, link_page, &n, err)))
			break;
		total += n;
		if (n < STORE_AUDIT_LINK_PAGE)
			break;
	}
	if (linked)
		*linked = total;
	return rc;
}

/* An asynchronous write of a backend without a writer thread, waiting on a worker. */
struct async_write {
	struct workq_job job; /* first: the job is the struct */
	struct store *s;
	store_write_fn fn;
	void *arg;
	store_done_fn done;
	void *done_arg;
};

static void async_write_run(struct workq_job *job)
{
	struct async_write *w = (struct async_write *)job;
	struct sh_error err = SH_ERROR_INIT;
	enum sh_code rc = w->s->ops->write(w->s, w->fn, w->arg, &err);

	w->done(w->done_arg, rc, &err);
	free(w);
}

void store_write_async(struct store *s, store_write_fn fn, void *arg, store_done_fn done,
		       void *done_arg)
{
	struct async_write *w;
	struct sh_error err = SH_ERROR_INIT;
	enum sh_code rc;

	if (s->ops->write_async) {
		s->ops->write_async(s, fn, arg, done, done_arg);
		return;
	}
	if (s->workers && (w = calloc(1, sizeof(*w)))) {
		*w = (struct async_write){ { async_write_run, NULL }, s, fn, arg, done, done_arg };
		workq_submit(s->workers, &w->job);
		return;
	}
	rc = s->ops->write(s, fn, arg, &err);
	done(done_arg, rc, &err);
}

void store_use_workers(struct store *s, struct workq *q)
{
	s->workers = q;
}

enum sh_code store_read_begin(struct store *s, struct store_conn **out, struct sh_error *err)
{
	return s->ops->read_begin(s, out, err);
}

void store_read_end(struct store_conn *c)
{
	if (c)
		c->store->ops->read_end(c);
}

enum sh_code store_agencies(struct store *s, struct arena *a, struct agency_rec **out, size_t *n,
			    struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_agency_list(c, a, out, n, err);
	store_read_end(c);
	return rc;
}
