/*
 * libFuzzer target for what people type into arrest records and what analysts type into
 * the offences file: the first byte chooses. Even: the bytes are an offences file
 * (core/offences.c's parser); whatever parses classifies a few fixed texts. Odd: the rest
 * is an offence, placement or justification text, read against the real
 * protocols/ca-offences.rules by the classifier, the guardrail (Los Angeles time), the
 * phrase folding and the language check. Invariants: a failed parse leaves nothing and
 * says why; a refusal always gives a reason; nothing reads out of bounds.
 */
#include "lib/common.h"
#include "core/guardrail.h"
#include "core/offences.h"
#include "core/phrase.h"
#include "core/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct offences *real;
static struct tz *la;

static void load_real(void)
{
	struct buf errors = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;

	if (offences_load_file("protocols/ca-offences.rules", &real, &errors) ||
	    tz_load(NULL, "America/Los_Angeles", &la, &err)) {
		fprintf(stderr, "fuzz_offences: %s%s\n", errors.data, err.detail);
		abort();
	}
	buf_release(&errors);
}

static void classify_text(const struct offences *o, const char *text)
{
	static const struct guardrail_youth youth[] = {
		{ .has_birth = true, .birth = { 2009, 2, 28 } },
		{ .has_estimate = true, .estimate = 19, .identified_at = 1772942400 },
		{ .identified_at = 1772942400 },
	};
	struct offence_match m;
	char folded[512];

	offences_classify(o, text, &m);
	if (m.needs_subdivision && !m.offence)
		abort();
	for (size_t i = 0; la && i < ARRAY_SIZE(youth); i++) {
		struct guardrail_result r;
		guardrail_arrest(o, la, text, 1772942400, &youth[i], &r);
		if (r.verdict != GUARDRAIL_ACCEPT && !r.reason[0])
			abort();
		if (r.verdict == GUARDRAIL_ACCEPT && r.match.prostitution && r.minor)
			abort(); /* the guarantee itself */
	}
	offences_detention_words(o, text);
	for (int mode = PHRASE_WORDS; mode <= PHRASE_CITE; mode++)
		phrase_fold(text, folded, sizeof(folded), (enum phrase_mode)mode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (!real)
		load_real();
	if (!size)
		return 0;
	if (!(text = malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1) {
		classify_text(real, text);
		rules_derogatory_phrase(text);
		rules_justification_problem(text);
	} else {
		struct buf errors = BUF_INIT;
		struct offences *o = NULL;
		enum sh_code rc = offences_parse(text, size - 1, "fuzz", &o, &errors);
		if ((rc == SH_OK) != (o != NULL) || (rc == SH_EINVAL && !errors.len) ||
		    (rc == SH_OK && errors.len))
			abort();
		if (o) {
			classify_text(o, "PC 647(b)");
			classify_text(o, "Pen. Code, \xc2\xa7 647, subd. (b) and prostitution");
			classify_text(o, "loitering 653.22(a)(1) H&S 11350");
		}
		offences_free(o);
		buf_release(&errors);
	}
	free(text);
	return 0;
}
