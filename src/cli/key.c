/*
 * safeharbor key rotate: adds a new field-encryption key and re-seals every value under the
 * field key with it (youth data keys, defendants' names, webhook and second-factor
 * secrets), recomputing the blind indexes, in one transaction; values under a youth's own
 * data key stay as they are. A youth from before schema 13 is given their own data key
 * here (the migration of existing data: it needs the key file, which SQL migrations do
 * not have). The key file keeps the old keys, so a failure half-way leaves everything
 * readable.
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
	size_t moved; /* youth from before schema 13 given their own data key */
	uint32_t key_id;
};

/*
 * A youth from before schema 13 gets their own data key (the migration of existing data):
 * the identity (into *sealed, for the caller to store) and every event text of their
 * recoveries still under the field key are sealed again under it (each event anchored
 * again, as a rotation does).
 */
static enum sh_code give_key(struct store_conn *c, struct rotation *r, int64_t youth_id,
			     const json_t *identity, struct arena *a, struct buf *sealed,
			     struct sh_error *err)
{
	struct youth_key y = { .present = true };
	struct buf wrapped = BUF_INIT;
	struct sealed_rec *texts;
	size_t n = 0;
	enum sh_code rc;

	if ((rc = shcrypto_youth_key_new(r->keys, y.key, &wrapped)) ||
	    (rc = identity_seal(&y, identity, sealed))) {
		rc = sh_error_set(err, rc, "could not make a youth's data key");
		goto out;
	}
	if ((rc = store_youth_key_put(c, youth_id, (const unsigned char *)wrapped.data, wrapped.len,
				      err)) ||
	    (rc = store_youth_legacy_texts(c, youth_id, a, &texts, &n, err)))
		goto out;
	for (size_t i = 0; !rc && i < n; i++) {
		struct buf text = BUF_INIT;
		struct sealed_rec nr = { .id = texts[i].id };
		if (!(rc = youth_reseal(r->keys, &y, SEALED_EVENT_TEXT, texts[i].blob, texts[i].len,
					&text, err))) {
			nr.blob = (const unsigned char *)text.data;
			nr.len = text.len;
			rc = store_sealed_set(c, SEALED_EVENT_TEXT, &nr, NULL, err);
		}
		buf_release(&text);
		r->counts[SEALED_EVENT_TEXT]++;
	}
	r->moved++;
out:
	youth_key_wipe(&y);
	buf_release(&wrapped);
	return rc;
}

/*
 * Youth identities: the blind index is recomputed under the new key for every youth not
 * sealed; a youth from before schema 13 is given their own data key (give_key); an identity
 * under the youth's key stays as it is (the key is re-wrapped as a SEALED_YOUTH_KEY value).
 */
static enum sh_code reseal_identities(struct store_conn *c, struct rotation *r, struct arena *a,
				      struct sh_error *err)
{
	struct youth_index_rec *list;
	size_t n;
	enum sh_code rc = store_youth_unindexed(c, -1, INT_MAX, a, &list, &n, err);

	for (size_t i = 0; !rc && i < n; i++) {
		json_t *id = identity_open(r->keys, list[i].youth_key, list[i].youth_key_len,
					   list[i].identity, list[i].identity_len);
		struct buf sealed = BUF_INIT;
		struct sealed_rec nr = { .id = list[i].id,
					 .blob = list[i].identity,
					 .len = list[i].identity_len };
		char blind[65];
		if (!id) {
			rc = sh_error_set(err, SH_EINTERNAL,
					  "youth %" PRId64 ": identity unreadable", list[i].id);
			break;
		}
		if (!list[i].youth_key) {
			rc = give_key(c, r, list[i].id, id, a, &sealed, err);
			nr.blob = (const unsigned char *)sealed.data;
			nr.len = sealed.len;
		}
		if (!rc)
			rc = store_sealed_set(
				c, SEALED_IDENTITY, &nr,
				identity_blind_index(r->keys, id, blind) ? blind : NULL, err);
		json_decref(id);
		buf_release(&sealed);
		r->counts[SEALED_IDENTITY]++;
	}
	return rc;
}

static enum sh_code reseal_all(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct rotation *r = arg;
	struct arena a = ARENA_INIT;
	enum sh_code rc = SH_OK;
	char detail[128];

	for (int kind = 0; !rc && kind < SEALED_KIND_COUNT; kind++) {
		struct sealed_rec *list;
		size_t n;
		if (kind == SEALED_IDENTITY) {
			rc = reseal_identities(c, r, &a, err);
			continue;
		}
		if ((rc = store_sealed_list(c, (enum sealed_kind)kind, &a, &list, &n, err)))
			break;
		for (size_t i = 0; !rc && i < n; i++) {
			struct buf plain = BUF_INIT, sealed = BUF_INIT;
			struct sealed_rec nr = { .id = list[i].id };
			rc = shcrypto_open(r->keys, list[i].blob, list[i].len, sealed_context[kind],
					   &plain, err);
			if (!rc)
				rc = shcrypto_seal(r->keys, plain.data, plain.len,
						   sealed_context[kind], &sealed);
			nr.blob = (const unsigned char *)sealed.data;
			nr.len = sealed.len;
			if (!rc)
				rc = store_sealed_set(c, (enum sealed_kind)kind, &nr, NULL, err);
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
		 "key %" PRIu32
		 ": %zu identities, %zu texts, %zu names, %zu webhook secrets, %zu youth keys"
		 " (%zu new)",
		 r->key_id, r->counts[SEALED_IDENTITY], r->counts[SEALED_EVENT_TEXT],
		 r->counts[SEALED_DEFENDANT_NAME], r->counts[SEALED_WEBHOOK_SECRET],
		 r->counts[SEALED_YOUTH_KEY], r->moved);
	return audit_record(c, NULL, (int64_t)time(NULL), "key.rotate", NULL, NULL, "ok", detail,
			    err);
}

/* The key file must be this database's; the new key is on disk before anything is sealed
 * with it. */
static enum sh_code key_rotate(struct cli_ctx *x, struct sh_error *err)
{
	const char *keyfile = cli_target_keyfile(&x->t);
	struct rotation r = { .keys = &x->k };
	enum sh_code rc;

	shcrypto_keys_release(&x->k);
	if ((rc = shcrypto_keyfile_add_key(keyfile, &r.key_id, err)) ||
	    (rc = shcrypto_keyfile_load(keyfile, &x->k, err)) ||
	    (rc = store_write(x->s, reseal_all, &r, err)))
		return rc;
	printf("key %" PRIu32 " now seals: %zu identities, %zu event texts, %zu defendant names, "
	       "%zu webhook secrets, %zu second-factor secrets, %zu youth data keys re-sealed; "
	       "blind indexes recomputed (sealed youth have none); %zu youth from before schema "
	       "13 given their own data key\n",
	       r.key_id, r.counts[SEALED_IDENTITY], r.counts[SEALED_EVENT_TEXT],
	       r.counts[SEALED_DEFENDANT_NAME], r.counts[SEALED_WEBHOOK_SECRET],
	       r.counts[SEALED_TOTP_SECRET], r.counts[SEALED_YOUTH_KEY], r.moved);
	return SH_OK;
}

static const char usage[] =
	"safeharbor key rotate [--db PATH] [--key-file FILE]\n"
	"  Adds a new key to the key file and re-seals every encrypted value with it\n"
	"  (one transaction). Stop the server first and back up the database and the key\n"
	"  file. Old keys stay in the file so older backups remain readable.";
const struct cli_table cli_key = {
	usage, NULL, NULL,
	(const struct cli_sub[]){ { "rotate", NULL, key_rotate, .keys = CLI_KEYS_ADOPT }, { NULL } }
};
