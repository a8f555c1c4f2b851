/* Does a key file belong to its database (keycheck.h). */
#include "lib/common.h"
#include "api/keycheck.h"

#define SETTING "key.check"

/* The stored check value of key id in list ("1:hex 2:hex"), into out; false when none. */
static bool stored_check(const char *list, uint32_t id, char out[65])
{
	const char *p = list;

	while (p && *p) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (end != p && *end == ':' && n == id &&
		    strspn(end + 1, "0123456789abcdef") == 64) {
			memcpy(out, end + 1, 64);
			out[64] = '\0';
			return true;
		}
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return false;
}

static enum sh_code read_list(struct store *s, struct arena *a, char **list, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(s, &c, err);

	if (rc)
		return rc;
	rc = store_setting_get(c, SETTING, a, list, err);
	store_read_end(c);
	return rc;
}

/* Without stored values: does the first sealed value of each kind open with k? */
static enum sh_code check_against_data(struct store *s, const struct shcrypto_keys *k,
				       const char *keyfile, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	enum sh_code rc = store_read_begin(s, &c, err);

	for (int kind = 0; !rc && kind < SEALED_KIND_COUNT; kind++) {
		struct sealed_rec r;
		struct buf plain = BUF_INIT;
		struct sh_error ignored = SH_ERROR_INIT;
		if ((rc = store_sealed_first(c, (enum sealed_kind)kind, &a, &r, err)) || !r.blob)
			continue;
		if (shcrypto_open(k, r.blob, r.len, sealed_context[kind], &plain, &ignored))
			rc = sh_error_set(
				err, SH_ECONFLICT,
				"the key file %s does not belong to this database: it "
				"cannot open the data sealed in it (%s). Use the key file "
				"that was made with this database (docs/operations.md, key "
				"custody).",
				keyfile, ignored.detail);
		buf_wipe(&plain);
	}
	if (c)
		store_read_end(c);
	arena_release(&a);
	return rc;
}

struct adopt_arg {
	const struct shcrypto_keys *k;
};

static enum sh_code adopt_fn(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct adopt_arg *x = arg;
	enum sh_code rc = SH_OK;

	for (int i = 0; !rc && i < x->k->nkeys; i++)
		rc = keycheck_record(c, x->k, i, err);
	return rc;
}

enum sh_code keycheck_record(struct store_conn *c, const struct shcrypto_keys *k, int i,
			     struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct buf list = BUF_INIT;
	char *old = NULL, check[65], have[65];
	enum sh_code rc = store_setting_get(c, SETTING, &a, &old, err);

	if (rc)
		goto out;
	if (old && stored_check(old, k->ids[i], have))
		goto out; /* already there: never replaced */
	shcrypto_key_check(k, i, check);
	buf_addf(&list, "%s%s%" PRIu32 ":%s", old ? old : "", old && *old ? " " : "", k->ids[i],
		 check);
	rc = store_setting_set(c, SETTING, list.data, err);
out:
	buf_release(&list);
	arena_release(&a);
	return rc;
}

enum sh_code keycheck_verify(struct store *s, const struct shcrypto_keys *k, const char *keyfile,
			     bool adopt, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	char *list = NULL, want[65], have[65];
	int matched = 0, missing = 0;
	enum sh_code rc = read_list(s, &a, &list, err);

	if (rc)
		goto out;
	for (int i = 0; i < k->nkeys; i++) {
		if (!list || !stored_check(list, k->ids[i], have)) {
			missing++;
			continue;
		}
		shcrypto_key_check(k, i, want);
		if (strcmp(want, have)) {
			rc = sh_error_set(
				err, SH_ECONFLICT,
				"the key file %s does not belong to this database: its key "
				"%" PRIu32 " does not match the key check stored in the "
				"database (a key file from another database, or a "
				"regenerated one). Use the key file that was made with this "
				"database (docs/operations.md, key custody).",
				keyfile, k->ids[i]);
			goto out;
		}
		matched++;
	}
	if (!matched) {
		if (list && *list) {
			rc = sh_error_set(
				err, SH_ECONFLICT,
				"the key file %s does not belong to this database: none of "
				"its keys is one the database knows. Use the key file that "
				"was made with this database (docs/operations.md, key "
				"custody).",
				keyfile);
			goto out;
		}
		/* a database from before key check values: its data decides */
		if ((rc = check_against_data(s, k, keyfile, err)))
			goto out;
	}
	if (adopt && missing) {
		struct adopt_arg x = { k };
		rc = store_write(s, adopt_fn, &x, err);
	}
out:
	arena_release(&a);
	return rc;
}

bool keycheck_current_matches(struct store_conn *c, const struct shcrypto_keys *k)
{
	struct arena a = ARENA_INIT;
	struct sh_error err = SH_ERROR_INIT;
	char *list = NULL, want[65], have[65];
	bool ok = false;

	if (!store_setting_get(c, SETTING, &a, &list, &err) && list &&
	    stored_check(list, k->ids[k->nkeys - 1], have)) {
		shcrypto_key_check(k, k->nkeys - 1, want);
		ok = !strcmp(want, have);
	}
	arena_release(&a);
	return ok;
}
