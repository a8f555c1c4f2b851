#include "lib/common.h"
#include "store/audit_chain.h"
#include "lib/buf.h"
#include "lib/shcrypto.h"

static void field(struct buf *b, const char *s)
{
	/* length-prefixed, so no choice of text can shift one field into the next */
	if (!s) {
		buf_adds(b, "-1:");
		return;
	}
	buf_addf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

void audit_chain_hash(const char *prev, const struct audit_entry *e, char out[65])
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "sh-audit-v1|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64 "|", prev, e->seq,
		 e->at, e->user_id, e->agency_id);
	field(&b, e->action);
	field(&b, e->case_id);
	field(&b, e->section);
	field(&b, e->outcome);
	field(&b, e->detail);
	shcrypto_hash_hex(b.data, b.len, out);
	buf_release(&b);
}
