#include "lib/common.h"
#include "core/witness.h"

/*
 * libFuzzer target for the CCTV rules parser (src/core/witness.c): parse the
 * input, and when it parses, evaluate one fixed witness and classify a few
 * charges. Seeds: protocols/ca-cctv.rules and tests/witness/bad/.
 * Invariants checked: a failed parse leaves no rules and says why; a successful
 * one says nothing; every reason is a non-empty string that fits its buffer.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charges[] = { "PC 288(a)", "pc236.1(c)(1)", "PC 273d",
					       "PC 211",    "VC 23152",	     "",
					       NULL,	    "PC 664/187" };
	struct witness_rules *r = NULL;
	struct witness_result res[WITNESS_MAX_RULES];
	struct buf errors;
	struct sh_date birth = { 2010, 6, 15 }, motion = { 2024, 3, 15 };
	const char *names[WITNESS_MAX_CLASSES];
	size_t n = 0;
	enum sh_code rc;

	buf_init(&errors, 1 << 20);
	rc = witness_rules_parse((const char *)data, size, "fuzz.rules", &r, &errors);
	if (rc == SH_OK) {
		if (!r || errors.len)
			abort();
		rc = witness_evaluate(r, birth, motion, charges, ARRAY_SIZE(charges), size & 1, res,
				      ARRAY_SIZE(res), &n);
		if (rc != SH_OK || n != witness_rules_count(r) || n == 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!res[i].rule || !res[i].reason[0] ||
			    !memchr(res[i].reason, '\0', sizeof(res[i].reason)))
				abort();
		for (size_t i = 0; i < ARRAY_SIZE(charges); i++)
			if (witness_charge_classes(r, charges[i], names, ARRAY_SIZE(names)) >
			    WITNESS_MAX_CLASSES)
				abort();
		(void)witness_notice_due(r, motion);
	} else if (rc == SH_EINVAL) {
		if (r || !errors.len)
			abort();
	}
	witness_rules_free(r);
	buf_release(&errors);
	return 0;
}
