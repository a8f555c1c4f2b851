#include "lib/common.h"
#include <sodium.h>
#include "store/audit_chain.h"
#include "lib/buf.h"
#include "lib/shcrypto.h"

/* ---- the keyed encoding (schema 8 on) ---- */

static void put_int(crypto_generichash_state *st, int64_t v)
{
	uint64_t u = (uint64_t)v;
	unsigned char b[8];

	for (int i = 7; i >= 0; i--, u >>= 8)
		b[i] = (unsigned char)(u & 0xff);
	crypto_generichash_update(st, b, sizeof(b));
}

/* presence byte, 8-byte length, bytes: NULL and "" differ, and no text runs into the next */
static void put_bytes(crypto_generichash_state *st, const void *p, size_t n, bool present)
{
	unsigned char tag = present ? 1 : 0;

	crypto_generichash_update(st, &tag, 1);
	if (!present)
		return;
	put_int(st, (int64_t)n);
	if (n)
		crypto_generichash_update(st, p, n);
}

static void put_text(crypto_generichash_state *st, const char *s)
{
	put_bytes(st, s, s ? strlen(s) : 0, s != NULL);
}

static void mac_begin(crypto_generichash_state *st, const unsigned char *key, const char *domain)
{
	crypto_generichash_init(st, key, AUDIT_CHAIN_KEY_LEN, 32);
	put_text(st, domain);
}

static void mac_end(crypto_generichash_state *st, char out[65])
{
	unsigned char h[32];

	crypto_generichash_final(st, h, sizeof(h));
	shcrypto_hex(h, sizeof(h), out);
	sodium_memzero(st, sizeof(*st));
}

void audit_chain_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], const char *prev,
		     const struct audit_entry *e, char out[65])
{
	crypto_generichash_state st;

	mac_begin(&st, key, "sh-audit-v2");
	put_text(&st, prev);
	put_int(&st, e->seq);
	put_int(&st, e->at);
	put_int(&st, e->user_id);
	put_int(&st, e->agency_id);
	put_text(&st, e->action);
	put_text(&st, e->case_id);
	put_text(&st, e->section);
	put_text(&st, e->outcome);
	put_text(&st, e->detail);
	put_int(&st, e->token_id);
	put_int(&st, e->ref_event);
	put_text(&st, e->ref_mac);
	mac_end(&st, out);
}

void audit_chain_event_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], const struct event_rec *e,
			   size_t data_len, char out[65])
{
	crypto_generichash_state st;

	mac_begin(&st, key, "sh-event-v1");
	put_int(&st, e->id);
	put_text(&st, e->case_id);
	put_text(&st, e->type);
	put_text(&st, e->section);
	put_int(&st, e->at);
	put_int(&st, e->recorded_at);
	put_int(&st, e->user_id);
	put_int(&st, e->agency_id);
	put_int(&st, e->amends);
	put_bytes(&st, e->data, data_len, e->data != NULL);
	put_bytes(&st, e->sealed, e->sealed_len, e->sealed != NULL);
	mac_end(&st, out);
}

void audit_chain_checkpoint_mac(const unsigned char key[AUDIT_CHAIN_KEY_LEN], int64_t at,
				int64_t seq, const char *head, char out[65])
{
	crypto_generichash_state st;

	mac_begin(&st, key, "sh-checkpoint-v1");
	put_int(&st, at);
	put_int(&st, seq);
	put_text(&st, head);
	mac_end(&st, out);
}

/* ---- the unkeyed encoding of schema versions 1 to 7 ---- */

static void field_v1(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "-1:");
		return;
	}
	buf_addf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

void audit_chain_hash_v1(const char *prev, const struct audit_entry *e, char out[65])
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "sh-audit-v1|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|", prev,
		 e->seq, e->at, e->user_id, e->agency_id);
	field_v1(&b, e->action);
	field_v1(&b, e->case_id);
	field_v1(&b, e->section);
	field_v1(&b, e->outcome);
	field_v1(&b, e->detail);
	shcrypto_hash_hex(b.data, b.len, out);
	buf_release(&b);
}
