/*
 * safeharbor key rotate: adds a new field-encryption key and re-seals every sealed
 * value (youth identities, event free text, defendants' names, webhook secrets) with it,
 * recomputing
 * the blind indexes, in one transaction. The key file keeps the old keys, so a
 * failure half-way leaves everything readable.
 */
#include "lib/common.h"
#include "api/audit.h"
#include "api/identity.h"
#include "api/keycheck.h"
#include "cli/cli.h"
#include "lib/shcrypto.h"

struct rotation {
	const struct shcrypto_keys *keys;
	size_t counts[SEALED_KIND_COUNT];
	uint32_t key_id;
};

static enum sh_code reseal_all(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct rotation *r = arg;
	struct arena a = ARENA_INIT;
	enum sh_code rc = SH_OK;
	char detail[96];

	for (int kind = 0; !rc && kind < SEALED_KIND_COUNT; kind++) {
		struct sealed_rec *list;
		size_t n;
		if ((rc = store_sealed_list(c, (enum sealed_kind)kind, &a, &list, &n, err)))
			break;
		for (size_t i = 0; !rc && i < n; i++) {
			struct buf plain = BUF_INIT, sealed = BUF_INIT;
			struct sealed_rec nr = { .id = list[i].id };
			char blind[65];
			const char *bi = NULL;
			rc = shcrypto_open(r->keys, list[i].blob, list[i].len, sealed_context[kind],
					   &plain, err);
			if (!rc && kind == SEALED_IDENTITY) {
				json_t *id = json_loadb(plain.data, plain.len, 0, NULL);
				if (identity_blind_index(r->keys, id, blind))
					bi = blind;
				json_decref(id);
			}
			if (!rc)
				rc = shcrypto_seal(r->keys, plain.data, plain.len,
						   sealed_context[kind], &sealed);
			nr.blob = (const unsigned char *)sealed.data;
			nr.len = sealed.len;
			if (!rc)
				rc = store_sealed_set(c, (enum sealed_kind)kind, &nr, bi, err);
			buf_wipe(&plain);
			buf_release(&sealed);
			r->counts[kind]++;
		}
		arena_release(&a);
	}
	arena_release(&a);
	if (rc)
		return rc;
	/* the database knows the new key in the same transaction that first uses it */
	if ((rc = keycheck_record(c, r->keys, r->keys->nkeys - 1, err)))
		return rc;
	snprintf(detail, sizeof(detail),
		 "key %" PRIu32 ": %zu identities, %zu texts, %zu names, %zu webhook secrets",
		 r->key_id, r->counts[0], r->counts[1], r->counts[2], r->counts[3]);
	return audit_record(c, NULL, (int64_t)time(NULL), "key.rotate", NULL, NULL, "ok", detail,
			    err);
}

int cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor key rotate [--db PATH] [--key-file FILE]\n"
		"  Adds a new key to the key file and re-seals every encrypted value with it\n"
		"  (one transaction). Stop the server first and back up the database and the key\n"
		"  file. Old keys stay in the file so older backups remain readable.";
	struct sh_error err = SH_ERROR_INIT;
	struct shcrypto_keys keys = { 0 };
	struct rotation r = { 0 };
	struct store *s = NULL;
	struct cli_target t = { 0 };
	int code = EXIT_OK;
	enum sh_code rc;

	static const char *const subs[] = { "rotate", NULL };

	if (!cli_subcommand(&argc, &argv, subs, usage, &code))
		return code;
	if (!cli_target_args(argc, argv, opts, usage, &t, &code))
		return code;
	/* the key file must be this database's; the new key is on disk before anything is
	 * sealed with it */
	if ((rc = cli_open_store(&t, &s, &err)) || (rc = cli_load_keys(&t, s, true, &keys, &err)))
		goto out;
	shcrypto_keys_release(&keys);
	if ((rc = shcrypto_keyfile_add_key(cli_target_keyfile(&t), &r.key_id, &err)) ||
	    (rc = shcrypto_keyfile_load(cli_target_keyfile(&t), &keys, &err)))
		goto out;
	r.keys = &keys;
	if ((rc = store_write(s, reseal_all, &r, &err)))
		goto out;
	printf("key %" PRIu32 " now seals: %zu identities, %zu event texts, %zu defendant names, "
	       "%zu webhook secrets, %zu second-factor secrets re-sealed; blind indexes "
	       "recomputed\n",
	       r.key_id, r.counts[SEALED_IDENTITY], r.counts[SEALED_EVENT_TEXT],
	       r.counts[SEALED_DEFENDANT_NAME], r.counts[SEALED_WEBHOOK_SECRET],
	       r.counts[SEALED_TOTP_SECRET]);
out:
	store_close(s);
	if (keys.keys)
		shcrypto_keys_release(&keys);
	cli_target_release(&t);
	return rc ? cli_fail(&err) : EXIT_OK;
}
