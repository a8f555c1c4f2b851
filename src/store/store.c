/* Picks the backend for a database address; everything else goes through its ops. */
#include "lib/common.h"
#include "store/sqlite.h"
#include "store/sqlite_schema.h"
#include "store/store.h"

enum sh_code store_open(const char *path, const struct store_options *o, struct store **out,
			struct sh_error *err)
{
	struct store_options dflt = { 0 };

	*out = NULL;
	if (!o)
		o = &dflt;
	if (!strncmp(path, "postgres://", 11) || !strncmp(path, "postgresql://", 13))
		return sh_error_set(err, SH_ESTORE,
				    "the PostgreSQL backend is not available in this build yet");
	return sqlite_store_ops.open(out, path, o, err);
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

enum sh_code store_read_begin(struct store *s, struct store_conn **out, struct sh_error *err)
{
	return s->ops->read_begin(s, out, err);
}

void store_read_end(struct store_conn *c)
{
	if (c)
		c->store->ops->read_end(c);
}
