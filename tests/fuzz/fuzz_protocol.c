/*
 * libFuzzer target for the protocol parser and the clock: any bytes go through
 * protocol_parse(); whatever parses is evaluated against a fixed set of facts (two
 * missing episodes, one still open, two hearings, a few events), its witness items' deadlines
 * computed for a witness listed with a hearing, then freed.
 * Built and run by `make fuzz` (and `make test`) with ASan, UBSan and leak checks.
 */
#include "lib/common.h"
#include "core/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct missing_episode missing[] = {
		{ 1772942400 + 86400, 1772942400 + 2 * 86400 },
		{ 1772942400 + 9 * 86400, 0 },
	};
	static const int64_t hearings[] = { 1772942400 + 20 * 86400, 1772942400 + 40 * 86400 };
	static const struct step_event events[] = {
		{ "a", 0, false, 1772942400 + 3600 },
		{ "b", 1, true, 1772942400 + 86400 + 60 },
		{ "hotline_report", 0, false, 1772942400 + 600 },
		{ "missing_report_le", 1, false, 1772942400 + 86400 + 7200 },
		{ "mdt_meeting", 0, false, 1772942400 + 70 * 3600 },
	};
	struct case_facts f = {
		.identified_at = 1772942400, /* 2026-03-08T04:00:00Z */
		.status = YOUTH_BOTH,
		.age = 15,
		.identified_by = "child_welfare",
		.last_assault_at = 1772942400 - 30 * 3600,
		.missing = missing,
		.nmissing = 2,
		.hearings = hearings,
		.nhearings = 2,
		.events = events,
		.nevents = sizeof(events) / sizeof(events[0]),
	};
	struct step_status out[64];
	struct buf errors = BUF_INIT, show = BUF_INIT;
	struct protocol *p = NULL;
	size_t n = 0;

	if (protocol_parse((const char *)data, size, "fuzz", &p, &errors) == SH_OK) {
		if (protocol_evaluate(p, &f, f.identified_at + 5 * 86400, out, 64, &n) == SH_OK)
			for (size_t i = 0; i < n; i++)
				if (out[i].overdue && out[i].state != STEP_PENDING)
					__builtin_trap(); /* only a pending step can be overdue */
		protocol_describe(p, &show);
		for (size_t i = 0; i < protocol_nsteps(p); i++)
			if (!protocol_has_step(p, protocol_step_key(p, i)))
				__builtin_trap();
		for (size_t i = 0; i < protocol_nwitness(p); i++) {
			const struct protocol_witness_item *w = protocol_witness(p, i);
			struct protocol_witness_facts wf = {
				.listed_at = f.identified_at + 86400,
				.has_last_motion_day = true,
				.last_motion_day = { 2026, 5, 1 },
				.hearing_at = hearings[0],
				.hearing_known_at = hearings[0] - 86400,
				.advocate_days = 30,
				.notice_days = 3,
				.review_days = 7,
			};
			int64_t due;
			/* a key is a step's or a witness item's, never both */
			if (protocol_witness_find(p, w->key) != w || protocol_has_step(p, w->key) ||
			    !protocol_witness_due(w, &wf, &due) || !w->title || !w->owner)
				__builtin_trap();
		}
	} else if (p != NULL || errors.len == 0) {
		__builtin_trap(); /* a failure always says why */
	}
	protocol_free(p);
	buf_release(&errors);
	buf_release(&show);
	return 0;
}
