/*
 * The protocol engine: the LA County file step by step and branch by branch, the
 * clock's boundaries, daylight saving, the format's features, and the corpus of
 * malformed files in tests/protocols/bad (each names its expected error in a
 * "# expect: LINE: message" comment). Run from the repository root (make does).
 */
#include "lib/common.h"
#include <dirent.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/protocol.h"
#include "lib/timefmt.h"
#include "lib/tz.h"

/* the version cases identified before 2026-12-07 keep; and the current one */
#define LA_FILE "protocols/history/la-county-frp-2015.1.protocol"
#define LA2026_FILE "protocols/la-county-frp.protocol"
#define MIN 60
#define HOUR 3600
#define DAY 86400
#define MAXOUT 128

static struct protocol *la, *la26;
static struct protocol *la264; /* 2026.4: the steps of 2026.5, before the witness items */
static int64_t t0;	       /* 2026-03-07T20:00:00-08:00, the evening before the DST switch */

static int64_t at(const char *rfc3339)
{
	int64_t t;

	if (timefmt_parse_rfc3339(rfc3339, &t))
		fail_msg("bad time %s", rfc3339);
	return t;
}

static int setup(void **state)
{
	struct buf errors = BUF_INIT;

	UNUSED(state);
	t0 = at("2026-03-07T20:00:00-08:00");
	if (protocol_load_file(LA_FILE, &la, &errors) ||
	    protocol_load_file(LA2026_FILE, &la26, &errors) ||
	    protocol_load_file("protocols/history/la-county-frp-2026.4.protocol", &la264,
			       &errors)) {
		fprintf(stderr, "%s", errors.data);
		buf_release(&errors);
		return -1;
	}
	buf_release(&errors);
	return 0;
}

static int teardown(void **state)
{
	UNUSED(state);
	protocol_free(la);
	protocol_free(la26);
	protocol_free(la264);
	la = la26 = la264 = NULL;
	return 0;
}

static struct protocol *parse_ok(const char *text)
{
	struct buf errors = BUF_INIT;
	struct protocol *p = NULL;

	if (protocol_parse(text, strlen(text), "test.protocol", &p, &errors))
		fail_msg("parse failed:\n%s", errors.data);
	assert_int_equal(errors.len, 0);
	buf_release(&errors);
	return p;
}

/* Case facts with the usual defaults: identified at t0 by law enforcement, age 15. */
static struct case_facts facts(enum youth_status status)
{
	struct case_facts f = { 0 };

	f.identified_at = t0;
	f.status = status;
	f.age = 15;
	f.identified_by = "law_enforcement";
	return f;
}

/* Evaluates; a case under the LA file is evaluated under 2026.4 too, and every step must come
 * out the same (each scenario below is a replay of both versions). */
static size_t eval(const struct protocol *p, const struct case_facts *f, int64_t now,
		   struct step_status *out)
{
	struct step_status v1[MAXOUT];
	size_t n = 0, n1 = 0;

	assert_int_equal(protocol_evaluate(p, f, now, out, MAXOUT, &n), SH_OK);
	if (p != la26)
		return n;
	assert_int_equal(protocol_evaluate(la264, f, now, v1, MAXOUT, &n1), SH_OK);
	assert_int_equal(n1, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v1[i].key, out[i].key);
		assert_string_equal(v1[i].title, out[i].title);
		if (v1[i].owner || out[i].owner)
			assert_string_equal(v1[i].owner, out[i].owner);
		assert_int_equal(v1[i].episode, out[i].episode);
		assert_int_equal(v1[i].state, out[i].state);
		assert_int_equal(v1[i].opened_at, out[i].opened_at);
		assert_int_equal(v1[i].due_at, out[i].due_at);
		assert_int_equal(v1[i].not_before, out[i].not_before);
		assert_int_equal(v1[i].done_at, out[i].done_at);
		assert_int_equal(v1[i].overdue, out[i].overdue);
	}
	return n;
}

static const struct step_status *find(const struct step_status *out, size_t n, const char *key,
				      int episode)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i].key, key) && out[i].episode == episode)
			return &out[i];
	return NULL;
}

static const struct step_status *get(const struct step_status *out, size_t n, const char *key,
				     int episode)
{
	const struct step_status *s = find(out, n, key, episode);

	if (!s)
		fail_msg("no step %s episode %d", key, episode);
	return s;
}

static void assert_pending(const struct step_status *s, const char *owner, int64_t due)
{
	if (s->state != STEP_PENDING)
		fail_msg("%s: state %s, expected pending", s->key, protocol_state_name(s->state));
	assert_non_null(s->owner);
	if (strcmp(s->owner, owner))
		fail_msg("%s: owner %s, expected %s", s->key, s->owner, owner);
	if (s->due_at != due)
		fail_msg("%s: due %" PRId64 ", expected %" PRId64 " (off by %" PRId64 " s)", s->key,
			 s->due_at, due, s->due_at - due);
}

static void assert_na(const struct step_status *s)
{
	if (s->state != STEP_NOT_APPLICABLE)
		fail_msg("%s: state %s, expected not_applicable", s->key,
			 protocol_state_name(s->state));
	assert_null(s->owner);
	assert_int_equal(s->due_at, 0);
	assert_int_equal(s->opened_at, 0);
	assert_false(s->overdue);
	assert_int_equal(s->time_left, 0);
}

/* ---- the LA County file ---------------------------------------------------------- */

static void la_file_is_valid(void **state)
{
	static const char *const contract_keys[] = {
		"hotline_report",
		"advocate_on_scene",
		"child_welfare_on_scene",
		"probation_on_scene",
		"placement_decided",
		"sart_exam",
		"medical_exam",
		"mental_health_screening",
		"mdt_meeting",
		"written_abuse_report",
		"advocate_followup_30d",
		"advocate_followup_60d",
		"advocate_followup_90d",
		"missing_report_le",
		"missing_report_ncmec",
		"missing_attorney_notice",
		"return_debrief",
		"report_to_law_enforcement",
	};
	static const char *const episodic[] = {
		"missing_report_le",	   "missing_ncic_entry", "missing_report_ncmec",
		"missing_attorney_notice", "return_debrief",
	};
	struct buf out = BUF_INIT;
	size_t lines = 0;

	UNUSED(state);
	assert_string_equal(protocol_name(la), "la-county-frp");
	assert_string_equal(protocol_version(la), "2015.1");
	assert_string_equal(protocol_effective(la), "2015-01-01");
	assert_int_equal(protocol_nsteps(la), 19);
	for (size_t i = 0; i < ARRAY_SIZE(contract_keys); i++) {
		if (!protocol_has_step(la, contract_keys[i]))
			fail_msg("no step %s", contract_keys[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(episodic); i++)
		assert_true(protocol_step_episodic(la, episodic[i]));
	assert_false(protocol_step_episodic(la, "medical_exam"));
	assert_false(protocol_step_episodic(la, "no_such_step"));
	assert_false(protocol_has_step(la, "no_such_step"));
	assert_string_equal(protocol_step_key(la, 0), "hotline_report");
	assert_null(protocol_step_key(la, 19));
	assert_string_equal(protocol_step_title(la, "sart_exam"), "Forensic (SART) exam");
	assert_string_equal(protocol_step_title(la, "no_such_step"), "no_such_step");
	/* `protocol show`: one line per step, each with its owner, due rule and source */
	protocol_describe(la, &out);
	for (size_t i = 0; i < out.len; i++)
		lines += out.data[i] == '\n';
	assert_int_equal(lines, 19);
	assert_non_null(strstr(out.data, "sart_exam | Forensic (SART) exam | owner medical | due "
					 "last_assault + 96h | when last_assault within 96h before "
					 "identified | source: "));
	assert_non_null(strstr(out.data, "owner probation when status in probation, otherwise "
					 "child_welfare | due identified + 12h"));
	assert_non_null(strstr(out.data, "due step missing_report_le + 2h | per missing episode"));
	assert_non_null(strstr(out.data, "due missing_end + 72h | per missing episode, once the "
					 "youth has returned"));
	for (const char *line = out.data; *line; line = strchr(line, '\n') + 1) {
		const char *nl = strchr(line, '\n');
		const char *src = strstr(line, "| source: ");
		if (!src || src > nl)
			fail_msg("a step without a source: %.*s", (int)(nl - line), line);
	}
	buf_release(&out);
}

/* A dependent identified at T0 by law enforcement, no assault reported, no missing episode. */
static void la_dependent(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	n = eval(la, &f, t0, out);
	assert_int_equal(n, 14); /* every case-level step; no missing episode, no instances */
	assert_pending(get(out, n, "hotline_report", 0), "law_enforcement", t0 + 30 * MIN);
	assert_pending(get(out, n, "advocate_on_scene", 0), "advocacy", t0 + 90 * MIN);
	assert_pending(get(out, n, "child_welfare_on_scene", 0), "child_welfare", t0 + 90 * MIN);
	assert_na(get(out, n, "probation_on_scene", 0));
	assert_pending(get(out, n, "placement_decided", 0), "child_welfare", t0 + 12 * HOUR);
	assert_na(get(out, n, "report_to_law_enforcement", 0));
	assert_pending(get(out, n, "written_abuse_report", 0), "law_enforcement", t0 + 36 * HOUR);
	assert_na(get(out, n, "sart_exam", 0));
	assert_pending(get(out, n, "medical_exam", 0), "medical", t0 + 72 * HOUR);
	assert_pending(get(out, n, "mental_health_screening", 0), "mental_health", t0 + 72 * HOUR);
	assert_pending(get(out, n, "mdt_meeting", 0), "child_welfare", t0 + 72 * HOUR);
	assert_pending(get(out, n, "advocate_followup_30d", 0), "advocacy", t0 + 30 * DAY);
	assert_pending(get(out, n, "advocate_followup_60d", 0), "advocacy", t0 + 60 * DAY);
	assert_pending(get(out, n, "advocate_followup_90d", 0), "advocacy", t0 + 90 * DAY);
	assert_null(find(out, n, "missing_report_le", 1));
	/* file order, titles and the clock's start */
	assert_string_equal(out[0].key, "hotline_report");
	assert_string_equal(out[0].title, "Report to the child-abuse hotline");
	assert_string_equal(out[n - 1].key, "advocate_followup_90d");
	assert_int_equal(out[0].opened_at, t0);
	assert_int_equal(out[0].episode, 0);
	assert_int_equal(out[0].time_left, 30 * MIN);
	assert_false(out[0].overdue);
	assert_int_equal(out[0].done_at, 0);
}

static void la_probation_ward(void **state)
{
	struct case_facts f = facts(YOUTH_PROBATION);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "child_welfare_on_scene", 0));
	assert_pending(get(out, n, "probation_on_scene", 0), "probation", t0 + 90 * MIN);
	assert_pending(get(out, n, "placement_decided", 0), "probation", t0 + 12 * HOUR);
	assert_pending(get(out, n, "mdt_meeting", 0), "probation", t0 + 72 * HOUR);
	assert_pending(get(out, n, "advocate_on_scene", 0), "advocacy", t0 + 90 * MIN);
}

static void la_both(void **state)
{
	struct case_facts f = facts(YOUTH_BOTH);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	n = eval(la, &f, t0, out);
	/* WIC 241.1: both agencies respond; child welfare leads placement (county default) */
	assert_pending(get(out, n, "child_welfare_on_scene", 0), "child_welfare", t0 + 90 * MIN);
	assert_pending(get(out, n, "probation_on_scene", 0), "probation", t0 + 90 * MIN);
	assert_pending(get(out, n, "placement_decided", 0), "child_welfare", t0 + 12 * HOUR);
	assert_pending(get(out, n, "mdt_meeting", 0), "child_welfare", t0 + 72 * HOUR);
}

static void la_neither_and_unknown(void **state)
{
	enum youth_status st[] = { YOUTH_NONE, YOUTH_UNKNOWN };
	struct step_status out[MAXOUT];

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
		struct case_facts f = facts(st[i]);
		size_t n = eval(la, &f, t0, out);
		assert_pending(get(out, n, "child_welfare_on_scene", 0), "child_welfare",
			       t0 + 90 * MIN);
		assert_na(get(out, n, "probation_on_scene", 0));
		assert_pending(get(out, n, "placement_decided", 0), "child_welfare",
			       t0 + 12 * HOUR);
	}
}

static void la_sart_exam_window(void **state)
{
	struct case_facts f = facts(YOUTH_NONE);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	/* assault 30 hours before identification: due 96 hours after the assault */
	f.last_assault_at = t0 - 30 * HOUR;
	n = eval(la, &f, t0, out);
	assert_pending(get(out, n, "sart_exam", 0), "medical", t0 - 30 * HOUR + 96 * HOUR);
	assert_int_equal(get(out, n, "sart_exam", 0)->opened_at, t0 - 30 * HOUR);
	/* exactly 96 hours before: still within the window */
	f.last_assault_at = t0 - 96 * HOUR;
	n = eval(la, &f, t0, out);
	assert_pending(get(out, n, "sart_exam", 0), "medical", t0);
	/* one second more: beyond it */
	f.last_assault_at = t0 - 96 * HOUR - 1;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "sart_exam", 0));
	/* a week before */
	f.last_assault_at = t0 - 7 * DAY;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "sart_exam", 0));
	/* none reported */
	f.last_assault_at = 0;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "sart_exam", 0));
	/* "before": an assault recorded after identification is outside the window */
	f.last_assault_at = t0 + HOUR;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "sart_exam", 0));
	/* the medical exam is due 72 hours after identification either way */
	assert_pending(get(out, n, "medical_exam", 0), "medical", t0 + 72 * HOUR);
}

static void la_identified_by(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	n = eval(la, &f, t0, out); /* law enforcement identified the youth */
	assert_na(get(out, n, "report_to_law_enforcement", 0));
	f.identified_by = "child_welfare";
	n = eval(la, &f, t0, out);
	assert_pending(get(out, n, "report_to_law_enforcement", 0), "child_welfare", t0 + DAY);
	f.identified_by = "probation";
	f.status = YOUTH_PROBATION;
	n = eval(la, &f, t0, out);
	assert_pending(get(out, n, "report_to_law_enforcement", 0), "probation", t0 + DAY);
	f.identified_by = "advocacy";
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "report_to_law_enforcement", 0));
	f.identified_by = NULL;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "report_to_law_enforcement", 0));
	f.identified_by = "not_a_kind";
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "report_to_law_enforcement", 0));
}

static void la_missing_episode_and_return(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode ep = { t0 + 5 * DAY, 0 };
	struct step_event ev[1];
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	f.missing = &ep;
	f.nmissing = 1;
	/* still missing: the three 24-hour reports and the NCIC entry, no debrief yet */
	n = eval(la, &f, ep.start + HOUR, out);
	assert_int_equal(n, 14 + 4);
	assert_pending(get(out, n, "missing_report_le", 1), "child_welfare", ep.start + DAY);
	assert_pending(get(out, n, "missing_report_ncmec", 1), "child_welfare", ep.start + DAY);
	assert_pending(get(out, n, "missing_attorney_notice", 1), "child_welfare", ep.start + DAY);
	assert_int_equal(get(out, n, "missing_report_le", 1)->opened_at, ep.start);
	assert_int_equal(get(out, n, "missing_report_le", 1)->time_left, 23 * HOUR);
	/* NCIC entry waits for the report to law enforcement: pending with no deadline */
	s = get(out, n, "missing_ncic_entry", 1);
	assert_pending(s, "law_enforcement", 0);
	assert_int_equal(s->opened_at, 0);
	assert_false(s->overdue);
	assert_int_equal(s->time_left, 0);
	assert_null(find(out, n, "return_debrief", 1));
	assert_null(find(out, n, "missing_report_le", 0));
	/* episodic steps come after the case-level ones, in file order */
	assert_string_equal(out[14].key, "missing_report_le");
	assert_string_equal(out[15].key, "missing_ncic_entry");
	/* a probation ward's reports are probation's */
	f.status = YOUTH_PROBATION;
	n = eval(la, &f, ep.start + HOUR, out);
	assert_pending(get(out, n, "missing_report_le", 1), "probation", ep.start + DAY);
	f.status = YOUTH_DEPENDENT;
	/* the report is made 3 hours in: NCIC entry is due 2 hours later */
	ev[0] = (struct step_event){ "missing_report_le", 1, false, ep.start + 3 * HOUR };
	f.events = ev;
	f.nevents = 1;
	n = eval(la, &f, ep.start + 4 * HOUR, out);
	s = get(out, n, "missing_report_le", 1);
	assert_int_equal(s->state, STEP_DONE);
	assert_int_equal(s->done_at, ep.start + 3 * HOUR);
	s = get(out, n, "missing_ncic_entry", 1);
	assert_pending(s, "law_enforcement", ep.start + 5 * HOUR);
	assert_int_equal(s->opened_at, ep.start + 3 * HOUR);
	assert_int_equal(s->time_left, HOUR);
	/* the youth returns: the debrief is due 72 hours later */
	ep.end = ep.start + 2 * DAY;
	n = eval(la, &f, ep.end, out);
	assert_int_equal(n, 14 + 5);
	s = get(out, n, "return_debrief", 1);
	assert_pending(s, "child_welfare", ep.end + 72 * HOUR);
	assert_int_equal(s->opened_at, ep.end);
	/* the 24-hour reports not made are overdue */
	assert_true(get(out, n, "missing_report_ncmec", 1)->overdue);
	assert_int_equal(get(out, n, "missing_report_ncmec", 1)->time_left, -DAY);
	/* an episode with no start recorded has nothing to run from */
	ep.start = 0;
	n = eval(la, &f, t0, out);
	assert_na(get(out, n, "missing_report_ncmec", 1));
}

static void la_two_missing_episodes(void **state)
{
	struct case_facts f = facts(YOUTH_NONE);
	struct missing_episode eps[2] = {
		{ t0 + 3 * DAY, t0 + 4 * DAY },
		{ t0 + 10 * DAY, 0 },
	};
	struct step_event ev[] = {
		{ "missing_report_ncmec", 2, false, t0 + 10 * DAY + HOUR },
		{ "return_debrief", 1, true, t0 + 5 * DAY },
	};
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	f.missing = eps;
	f.nmissing = 2;
	f.events = ev;
	f.nevents = ARRAY_SIZE(ev);
	n = eval(la, &f, t0 + 10 * DAY + 2 * HOUR, out);
	/* 14 case-level, 4 steps x 2 episodes, one debrief (episode 2 has not ended) */
	assert_int_equal(n, 14 + 8 + 1);
	/* instances in episode order, one step after another */
	assert_string_equal(out[14].key, "missing_report_le");
	assert_int_equal(out[14].episode, 1);
	assert_string_equal(out[15].key, "missing_report_le");
	assert_int_equal(out[15].episode, 2);
	assert_string_equal(out[22].key, "return_debrief");
	assert_int_equal(out[22].episode, 1);
	assert_pending(get(out, n, "missing_report_le", 1), "child_welfare", eps[0].start + DAY);
	assert_true(get(out, n, "missing_report_le", 1)->overdue);
	assert_pending(get(out, n, "missing_report_le", 2), "child_welfare", eps[1].start + DAY);
	assert_false(get(out, n, "missing_report_le", 2)->overdue);
	/* an event settles only its own episode */
	assert_int_equal(get(out, n, "missing_report_ncmec", 2)->state, STEP_DONE);
	assert_int_equal(get(out, n, "missing_report_ncmec", 1)->state, STEP_PENDING);
	s = get(out, n, "return_debrief", 1);
	assert_int_equal(s->state, STEP_WAIVED);
	assert_int_equal(s->done_at, t0 + 5 * DAY);
	assert_int_equal(s->due_at, eps[0].end + 72 * HOUR);
	assert_false(s->overdue);
	assert_null(find(out, n, "return_debrief", 2));
}

static void la_advocate_and_medical_deadlines(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	f.identified_at = at("2026-06-01T12:00:00Z");
	n = eval(la, &f, f.identified_at, out);
	s = get(out, n, "advocate_on_scene", 0);
	assert_int_equal(s->due_at, at("2026-06-01T13:30:00Z"));
	assert_int_equal(s->due_at - f.identified_at, 90 * 60);
	s = get(out, n, "medical_exam", 0);
	assert_int_equal(s->due_at, at("2026-06-04T12:00:00Z"));
	assert_int_equal(s->due_at - f.identified_at, 72 * 3600);
}

/* ---- the clock ------------------------------------------------------------------- */

static void done_and_waived_events(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_event ev[] = {
		{ "advocate_on_scene", 0, false, t0 + 60 * MIN },
		{ "medical_exam", 0, true, t0 + 2 * HOUR },
		{ "hotline_report", 0, false, t0 + 2 * HOUR }, /* late, but done */
		{ "mdt_meeting", 0, false, t0 + 70 * HOUR },
		{ "mdt_meeting", 0, true, t0 + 71 * HOUR },	 /* a later event amends it */
		{ "written_abuse_report", 1, false, t0 + HOUR }, /* wrong episode: ignored */
		{ "no_such_step", 0, false, t0 + HOUR },	 /* unknown step: ignored */
		{ NULL, 0, false, t0 + HOUR },
		{ "probation_on_scene", 0, false, t0 + HOUR }, /* not applicable stays so */
	};
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	f.events = ev;
	f.nevents = ARRAY_SIZE(ev);
	n = eval(la, &f, t0 + 100 * HOUR, out);
	s = get(out, n, "advocate_on_scene", 0);
	assert_int_equal(s->state, STEP_DONE);
	assert_int_equal(s->done_at, t0 + 60 * MIN);
	assert_int_equal(s->due_at, t0 + 90 * MIN); /* kept, so timeliness can be reported */
	assert_string_equal(s->owner, "advocacy");
	assert_false(s->overdue);
	assert_int_equal(s->time_left, 0);
	s = get(out, n, "medical_exam", 0);
	assert_int_equal(s->state, STEP_WAIVED);
	assert_int_equal(s->done_at, t0 + 2 * HOUR);
	assert_false(s->overdue);
	s = get(out, n, "hotline_report", 0);
	assert_int_equal(s->state, STEP_DONE);
	assert_true(s->done_at > s->due_at);
	assert_false(s->overdue);
	assert_int_equal(get(out, n, "mdt_meeting", 0)->state, STEP_WAIVED);
	s = get(out, n, "written_abuse_report", 0);
	assert_int_equal(s->state, STEP_PENDING);
	assert_true(s->overdue);
	assert_na(get(out, n, "probation_on_scene", 0));
}

static void deadline_boundaries(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	/* exactly at the deadline: on time */
	n = eval(la, &f, t0 + 90 * MIN, out);
	s = get(out, n, "advocate_on_scene", 0);
	assert_false(s->overdue);
	assert_int_equal(s->time_left, 0);
	/* one second after: overdue */
	n = eval(la, &f, t0 + 90 * MIN + 1, out);
	s = get(out, n, "advocate_on_scene", 0);
	assert_true(s->overdue);
	assert_int_equal(s->time_left, -1);
	/* one second before */
	n = eval(la, &f, t0 + 90 * MIN - 1, out);
	s = get(out, n, "advocate_on_scene", 0);
	assert_false(s->overdue);
	assert_int_equal(s->time_left, 1);
	/* done exactly at the deadline, looked at much later: on time, not overdue */
	{
		struct step_event ev = { "advocate_on_scene", 0, false, t0 + 90 * MIN };
		f.events = &ev;
		f.nevents = 1;
		n = eval(la, &f, t0 + 10 * DAY, out);
		s = get(out, n, "advocate_on_scene", 0);
		assert_int_equal(s->state, STEP_DONE);
		assert_int_equal(s->done_at, s->due_at);
		assert_false(s->overdue);
	}
}

static void daylight_saving_does_not_move_deadlines(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	char text[TIMEFMT_RFC3339_LEN];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	/* 2026-03-07 20:00 PST; clocks in Los Angeles go forward at 02:00 on 8 March */
	assert_int_equal(t0, at("2026-03-08T04:00:00Z"));
	n = eval(la, &f, t0, out);
	s = get(out, n, "medical_exam", 0);
	assert_int_equal(s->due_at - t0, 259200); /* 72 h of elapsed time, exactly */
	timefmt_format_rfc3339(s->due_at, text);
	assert_string_equal(text, "2026-03-11T04:00:00Z");
	/* which is 21:00 PDT on the 10th, not 20:00: the wall clock moved, the deadline did not */
	assert_int_equal(s->due_at, at("2026-03-10T21:00:00-07:00"));
	s = get(out, n, "advocate_on_scene", 0);
	assert_int_equal(s->due_at - t0, 5400);
	/* and back again in November: 2026-10-31 20:00 PDT + 72 h */
	f.identified_at = at("2026-10-31T20:00:00-07:00");
	n = eval(la, &f, f.identified_at, out);
	s = get(out, n, "medical_exam", 0);
	assert_int_equal(s->due_at - f.identified_at, 259200);
	assert_int_equal(s->due_at, at("2026-11-03T19:00:00-08:00"));
	s = get(out, n, "advocate_followup_30d", 0);
	assert_int_equal(s->due_at - f.identified_at, 30 * 86400);
}

/* ---- the corrected LA protocol (2026.1, and 2026.2 and 2026.3 that replace it) ------ */

/* The child-abuse reports are law enforcement's only when it identified the youth, and
 * only for a child; child welfare's own report covers the other way. */
/* 2026.3: child welfare documents the state's CSEC indicators within 30 days (a county
 * default) for the youth it serves or screens; a probation ward's are not its step. */
static void la26_csec_indicators(void **state)
{
	struct step_status out[MAXOUT];
	static const enum youth_status owed[] = { YOUTH_DEPENDENT, YOUTH_BOTH, YOUTH_NONE,
						  YOUTH_UNKNOWN };
	struct case_facts f;
	size_t n;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(owed); i++) {
		f = facts(owed[i]);
		n = eval(la26, &f, t0, out);
		assert_pending(get(out, n, "csec_indicators_documented", 0), "child_welfare",
			       t0 + 30 * DAY);
	}
	f = facts(YOUTH_PROBATION);
	n = eval(la26, &f, t0, out);
	assert_na(get(out, n, "csec_indicators_documented", 0));
	for (size_t i = 0; i < protocol_nsteps(la26); i++)
		if (!strcmp(protocol_step_key(la26, i), "csec_indicators_documented")) {
			assert_string_equal(protocol_step_done_by(la26, i), "csec_indicators");
			assert_true(protocol_step_done_by_kind(la26, i, "child_welfare"));
			assert_false(protocol_step_done_by_kind(la26, i, "probation"));
		}
}

static void la26_who_reports(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	assert_string_equal(protocol_version(la26), "2026.5");
	n = eval(la26, &f, t0, out);
	assert_pending(get(out, n, "hotline_report", 0), "law_enforcement", t0 + 30 * MIN);
	assert_pending(get(out, n, "written_abuse_report", 0), "law_enforcement", t0 + 36 * HOUR);
	assert_na(get(out, n, "report_to_law_enforcement", 0));
	f.identified_by = "child_welfare";
	n = eval(la26, &f, t0, out);
	assert_na(get(out, n, "hotline_report", 0));
	assert_na(get(out, n, "written_abuse_report", 0));
	assert_pending(get(out, n, "report_to_law_enforcement", 0), "child_welfare", t0 + DAY);
	/* an 18-year-old: no child-abuse report */
	f.identified_by = "law_enforcement";
	f.age = 18;
	n = eval(la26, &f, t0, out);
	assert_na(get(out, n, "hotline_report", 0));
	assert_na(get(out, n, "written_abuse_report", 0));
	/* the hotline's status check, child welfare's, within 4 hours */
	assert_pending(get(out, n, "status_determined", 0), "child_welfare", t0 + 4 * HOUR);
}

/* Missing-from-care reports: only for youth in care, from when the agency learned. */
static void la26_missing_from_care(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode ep = { t0 + 5 * DAY, 0, t0 + 6 * DAY };
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	f.missing = &ep;
	f.nmissing = 1;
	n = eval(la26, &f, ep.start + HOUR, out);
	s = get(out, n, "missing_report_le", 1);
	assert_pending(s, "child_welfare", ep.learned + DAY);
	assert_int_equal(s->opened_at, ep.learned);
	assert_pending(get(out, n, "missing_report_ncmec", 1), "child_welfare", ep.learned + DAY);
	assert_pending(get(out, n, "missing_attorney_notice", 1), "child_welfare",
		       ep.learned + DAY);
	/* learned at the start (or an impossible earlier time): from the start */
	ep.learned = 0;
	n = eval(la26, &f, ep.start + HOUR, out);
	assert_int_equal(get(out, n, "missing_report_le", 1)->due_at, ep.start + DAY);
	ep.learned = ep.start - DAY;
	n = eval(la26, &f, ep.start + HOUR, out);
	assert_int_equal(get(out, n, "missing_report_le", 1)->due_at, ep.start + DAY);
	/* found: NCIC cleared, NCMEC, the attorney and the court told, the debrief */
	ep.end = ep.start + 2 * DAY;
	n = eval(la26, &f, ep.end, out);
	assert_pending(get(out, n, "missing_ncic_clear", 1), "law_enforcement", ep.end + DAY);
	assert_pending(get(out, n, "missing_found_ncmec", 1), "child_welfare", ep.end + DAY);
	assert_pending(get(out, n, "missing_found_notices", 1), "child_welfare", ep.end + DAY);
	assert_pending(get(out, n, "return_debrief", 1), "child_welfare", ep.end + 72 * HOUR);
	/* a youth in no one's care: nothing to report */
	f.status = YOUTH_NONE;
	n = eval(la26, &f, ep.end, out);
	assert_na(get(out, n, "missing_report_le", 1));
	assert_na(get(out, n, "return_debrief", 1));
	f.status = YOUTH_PROBATION;
	n = eval(la26, &f, ep.end, out);
	assert_pending(get(out, n, "missing_report_ncmec", 1), "probation", ep.start + DAY);
}

/* The acute exam when the assault became known within 96 hours of it, the non-acute one
 * otherwise, from the disclosure. */
static void la26_forensic_exams(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	n = eval(la26, &f, t0, out);
	assert_na(get(out, n, "sart_exam", 0));
	assert_na(get(out, n, "forensic_exam_nonacute", 0));
	/* reported at identification, 30 hours after */
	f.last_assault_at = t0 - 30 * HOUR;
	n = eval(la26, &f, t0, out);
	assert_pending(get(out, n, "sart_exam", 0), "medical", f.last_assault_at + 96 * HOUR);
	assert_na(get(out, n, "forensic_exam_nonacute", 0));
	/* disclosed at the hub three days later, the assault 50 hours before that: acute */
	f.assault_disclosed_at = t0 + 3 * DAY;
	f.last_assault_at = f.assault_disclosed_at - 50 * HOUR;
	n = eval(la26, &f, f.assault_disclosed_at, out);
	assert_pending(get(out, n, "sart_exam", 0), "medical", f.last_assault_at + 96 * HOUR);
	/* the assault 96 hours and one second before the disclosure: non-acute */
	f.last_assault_at = f.assault_disclosed_at - 96 * HOUR - 1;
	n = eval(la26, &f, f.assault_disclosed_at, out);
	assert_na(get(out, n, "sart_exam", 0));
	assert_pending(get(out, n, "forensic_exam_nonacute", 0), "medical",
		       f.assault_disclosed_at + 14 * DAY);
	/* exactly 96 hours: still acute (the window includes its end) */
	f.last_assault_at = f.assault_disclosed_at - 96 * HOUR;
	n = eval(la26, &f, f.assault_disclosed_at, out);
	assert_pending(get(out, n, "sart_exam", 0), "medical", f.assault_disclosed_at);
	assert_na(get(out, n, "forensic_exam_nonacute", 0));
}

/* Follow-ups have a window: they cannot be done before it opens. */
static void la26_follow_up_windows(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	n = eval(la26, &f, t0, out);
	s = get(out, n, "advocate_followup_90d", 0);
	assert_int_equal(s->not_before, t0 + 90 * DAY);
	assert_int_equal(s->due_at, t0 + 97 * DAY);
	assert_int_equal(get(out, n, "advocate_followup_30d", 0)->not_before, t0 + 21 * DAY);
	assert_int_equal(get(out, n, "advocate_on_scene", 0)->not_before, 0);
	assert_string_equal(protocol_step_done_by(la26, 5), "placement");
	assert_null(protocol_step_done_by(la26, 0));
	/* one entry, one effect: mental health's own screening does its screening step, not
	 * another agency's; a placement by either kind decides the placement */
	for (size_t i = 0; i < protocol_nsteps(la26); i++) {
		const char *key = protocol_step_key(la26, i);
		if (!strcmp(key, "mental_health_screening")) {
			assert_string_equal(protocol_step_done_by(la26, i), "screening");
			assert_true(protocol_step_done_by_kind(la26, i, "mental_health"));
			assert_false(protocol_step_done_by_kind(la26, i, "child_welfare"));
		}
		if (!strcmp(key, "placement_decided")) {
			assert_true(protocol_step_done_by_kind(la26, i, "probation"));
			assert_true(protocol_step_done_by_kind(la26, i, "child_welfare"));
		}
	}
}

/* A "done by" entry settles its step when it is the first to, from its window on; a later
 * step_done or step_waived still corrects it. */
static void done_by_entries(void **state)
{
	static const char text[] =
		"protocol t\nversion 1\neffective 2026-01-01\n"
		"step a\n title A\n owner advocacy\n due identified + 30d\n"
		"  not before identified + 21d\n done by stability_check from advocacy\n";
	struct protocol *p = parse_ok(text);
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_event ev[3] = {
		{ "a", 0, false, t0 + 2 * DAY, 11, true },  /* before the window: not it */
		{ "a", 0, false, t0 + 22 * DAY, 12, true }, /* the first in the window */
		{ "a", 0, false, t0 + 25 * DAY, 13, true }, /* later: the step is settled */
	};
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	f.events = ev;
	f.nevents = 1;
	n = eval(p, &f, t0 + 3 * DAY, out);
	assert_int_equal(get(out, n, "a", 0)->state, STEP_PENDING);
	f.nevents = 3;
	n = eval(p, &f, t0 + 26 * DAY, out);
	assert_int_equal(get(out, n, "a", 0)->state, STEP_DONE);
	assert_int_equal(get(out, n, "a", 0)->done_at, t0 + 22 * DAY);
	assert_int_equal(get(out, n, "a", 0)->settled_by, 12);
	/* a waiver after it corrects it */
	ev[2] = (struct step_event){ "a", 0, true, t0 + 25 * DAY, 13, false };
	n = eval(p, &f, t0 + 26 * DAY, out);
	assert_int_equal(get(out, n, "a", 0)->state, STEP_WAIVED);
	assert_int_equal(get(out, n, "a", 0)->settled_by, 13);
	protocol_free(p);
}

/* The new syntax, and its misuse named by line. */
static void new_syntax(void **state)
{
	static const char ok[] =
		"protocol t\nversion 1\neffective 2026-01-01\n"
		"step a\n title A\n title_es Á en español\n owner medical\n due assault_disclosed + 1d\n"
		"  when last_assault more than 96h before assault_disclosed\n"
		"step b\n title B\n owner child_welfare\n due missing_learned + 24h\n"
		"  not before missing_learned + 1h\n"
		"step c\n title C\n owner advocacy\n due identified + 30d\n"
		"  not before identified + 21d\n done by placement\n"
		"step d\n title D\n owner mental_health\n due identified + 3d\n"
		"  done by screening from mental_health, medical\n";
	static const struct {
		const char *text, *message;
	} bad[] = {
		{ "step a\n title A\n owner medical\n due identified + 1d\n not before identified + 1d\n",
		  "x:8: the step could never be done on time" },
		{ "step a\n title A\n owner medical\n due identified + 1d\n not before missing_start\n",
		  "x:8: 'not before missing_start' differs from one missing episode to the next" },
		{ "step a\n title A\n owner medical\n due identified + 1d\n not before step b\n",
		  "x:8: unknown anchor 'step' after 'not before'" },
		{ "step a\n title A\n owner medical\n due identified + 1d\n not after identified\n",
		  "x:8: write 'not before ANCHOR + DURATION'" },
		{ "step a\n title A\n owner medical\n due identified + 2d\n not before identified + 1d\n"
		  " not before identified\n",
		  "x:9: duplicate 'not before'" },
		{ "step a\n title A\n owner medical\n due missing_start + 1d\n done by placement\n",
		  "x:8: 'done by' is for steps that happen once per case" },
		{ "step a\n title A\n owner medical\n due identified\n done placement\n",
		  "x:8: write 'done by EVENT_TYPE'" },
		{ "step a\n title A\n owner medical\n due identified\n done by screening from\n",
		  "x:8: write 'done by EVENT_TYPE', or 'done by EVENT_TYPE from KIND, KIND'" },
		{ "step a\n title A\n owner medical\n due identified\n done by screening by medical\n",
		  "x:8: write 'done by EVENT_TYPE', or" },
		{ "step a\n title A\n owner medical\n due identified\n done by screening from doctors\n",
		  "x:8: unknown agency kind 'doctors'" },
		{ "step a\n title A\n owner medical\n due identified\n when last_assault more 96h before identified\n",
		  "x:8: write a window as" },
		{ "step a\n title A\n owner medical\n due identified\n when last_assault more than 96h of identified\n",
		  "x:8: expected 'before' or 'after' in a window" },
		{ "step a\n title A\n owner medical\n due identified\n when missing_learned within 1d after identified\n",
		  "x:8: 'missing_learned' differs from one missing episode to the next" },
		{ "step a\n title A\n title_es Á\n owner medical\n due identified\n title_es B\n",
		  "x:9: duplicate 'title_es' in step 'a'" },
		{ "step a\n title A\n title_es\n owner medical\n due identified\n",
		  "x:6: empty title_es" },
		{ "step a\n title A\n owner medical\n due nowhere + 1d\n",
		  "x:7: unknown anchor 'nowhere' (expected identified, last_assault, assault_disclosed" },
	};
	struct protocol *p = parse_ok(ok);
	struct buf d = BUF_INIT;

	UNUSED(state);
	/* the Spanish title is optional */
	assert_string_equal(protocol_step_title_es(p, 0), "Á en español");
	assert_null(protocol_step_title_es(p, 1));
	assert_null(protocol_step_title_es(p, 9));
	protocol_describe(p, &d);
	assert_non_null(strstr(d.data, "when last_assault more than 96h before assault_disclosed"));
	assert_non_null(
		strstr(d.data, "due missing_learned + 24h | not before missing_learned + 1h"));
	assert_non_null(strstr(d.data, "done by placement | not before identified + 21d"));
	assert_non_null(strstr(d.data, "done by screening from medical, mental_health"));
	buf_release(&d);
	protocol_free(p);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf text = BUF_INIT, errors = BUF_INIT;
		struct protocol *q = NULL;
		buf_addf(&text, "protocol t\nversion 1\neffective 2026-01-01\n%s", bad[i].text);
		/* the step starts on line 4, after the header; messages give FILE:LINE */
		assert_int_equal(protocol_parse(text.data, text.len, "x", &q, &errors), SH_EINVAL);
		assert_null(q);
		if (!strstr(errors.data, bad[i].message))
			fail_msg("case %zu: expected \"%s\" in:\n%s", i, bad[i].message,
				 errors.data);
		buf_release(&text);
		buf_release(&errors);
	}
}

static void evaluate_output_size(void **state)
{
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[3];
	size_t n = 0;

	UNUSED(state);
	assert_int_equal(protocol_evaluate(la, &f, t0, out, 3, &n), SH_ETOOBIG);
	assert_int_equal(n, 14);
	assert_string_equal(out[0].key, "hotline_report");
	assert_string_equal(out[2].key, "child_welfare_on_scene");
	assert_int_equal(protocol_evaluate(la, &f, t0, NULL, 0, &n), SH_ETOOBIG);
	assert_int_equal(n, 14);
	/* inconsistent facts are refused, not read */
	f.nmissing = 2;
	assert_int_equal(protocol_evaluate(la, &f, t0, out, 3, &n), SH_EINVAL);
}

/* ---- the format ------------------------------------------------------------------ */

static void features_file(void **state)
{
	struct buf errors = BUF_INIT;
	struct protocol *p = NULL;
	struct case_facts f = facts(YOUTH_PROBATION);
	struct missing_episode eps[2] = { { t0 + DAY, t0 + DAY + 6 * HOUR },
					  { t0 + 5 * DAY, t0 + 7 * DAY } };
	int64_t hearings[2] = { t0 + 20 * DAY, t0 + 60 * DAY };
	struct step_event ev[2];
	struct step_status out[MAXOUT];
	const struct step_status *s;
	size_t n;

	UNUSED(state);
	assert_int_equal(protocol_load_file("tests/protocols/good/features.protocol", &p, &errors),
			 SH_OK);
	assert_string_equal(protocol_version(p), "1.0-test");
	assert_true(protocol_step_episodic(p, "return_plan"));
	assert_true(protocol_step_episodic(p, "witness_notice"));
	assert_false(protocol_step_episodic(p, "followup_review"));
	f.missing = eps;
	f.nmissing = 2;
	f.hearings = hearings;
	f.nhearings = 2;
	n = eval(p, &f, t0, out);
	/* due at the anchor itself */
	assert_pending(get(out, n, "intake", 0), "law_enforcement", t0);
	/* first owner line that matches: a probation ward aged 11 to 21 */
	assert_pending(get(out, n, "team_meeting", 0), "probation", t0 + 72 * HOUR);
	f.age = 10;
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "team_meeting", 0), "child_welfare", t0 + 72 * HOUR);
	assert_na(get(out, n, "older_youth", 0));
	f.age = 19;
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "older_youth", 0), "child_welfare", t0 + 2 * DAY);
	f.age = 15;
	/* a chain of steps: each waits for the one before */
	n = eval(p, &f, t0, out);
	s = get(out, n, "team_followup", 0);
	assert_pending(s, "advocacy", 0);
	assert_int_equal(get(out, n, "followup_review", 0)->due_at, 0);
	ev[0] = (struct step_event){ "team_meeting", 0, false, t0 + 50 * HOUR };
	f.events = ev;
	f.nevents = 1;
	n = eval(p, &f, t0 + 60 * HOUR, out);
	assert_pending(get(out, n, "team_followup", 0), "advocacy", t0 + 50 * HOUR + 7 * DAY);
	assert_pending(get(out, n, "followup_review", 0), "oversight", 0);
	ev[1] = (struct step_event){ "team_followup", 0, false, t0 + 9 * DAY };
	f.nevents = 2;
	n = eval(p, &f, t0 + 9 * DAY, out);
	assert_pending(get(out, n, "followup_review", 0), "oversight", t0 + 9 * DAY + 30 * MIN);
	/* a waived step has nothing to follow up */
	ev[0].waived = true;
	n = eval(p, &f, t0 + 9 * DAY, out);
	assert_int_equal(get(out, n, "team_meeting", 0)->state, STEP_WAIVED);
	assert_na(get(out, n, "team_followup", 0));
	assert_na(get(out, n, "followup_review", 0));
	f.nevents = 0;
	/* "has last_assault" and a status set */
	assert_na(get(out, n, "assault_any", 0));
	f.last_assault_at = t0 - 10 * DAY;
	f.status = YOUTH_UNKNOWN;
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "assault_any", 0), "medical", t0 + DAY);
	assert_na(get(out, n, "assault_exam", 0));
	/* per missing episode: the quick return applies to episode 1 (6 h), not 2 (2 days) */
	assert_pending(get(out, n, "missing_call", 1), "shelter", eps[0].start + 4 * HOUR);
	assert_pending(get(out, n, "missing_call", 2), "shelter", eps[1].start + 4 * HOUR);
	assert_pending(get(out, n, "quick_return", 1), "advocacy", eps[0].end + 12 * HOUR);
	assert_na(get(out, n, "quick_return", 2));
	assert_pending(get(out, n, "return_plan", 1), "child_welfare", 0);
	assert_na(get(out, n, "return_plan", 2));
	/* per hearing: 3 days before each, only for witnesses 15 or younger */
	s = get(out, n, "witness_notice", 1);
	assert_pending(s, "prosecutor", hearings[0] - 3 * DAY);
	assert_int_equal(s->opened_at, hearings[0]);
	assert_pending(get(out, n, "witness_notice", 2), "prosecutor", hearings[1] - 3 * DAY);
	assert_pending(get(out, n, "hearing_near_identification", 1), "prosecutor", hearings[0]);
	assert_na(get(out, n, "hearing_near_identification", 2));
	f.age = 16;
	n = eval(p, &f, t0, out);
	assert_na(get(out, n, "witness_notice", 1));
	/* no hearings, no instances */
	f.nhearings = 0;
	n = eval(p, &f, t0, out);
	assert_null(find(out, n, "witness_notice", 1));
	buf_release(&errors);
	protocol_free(p);
}

static void text_details(void **state)
{
	/* a byte-order mark, CRLF line endings, tabs, trailing comments, no final newline,
	 * '#' inside a word */
	static const char text[] = "\xef\xbb\xbfprotocol x\r\nversion 3\r\neffective 2024-02-29\r\n"
				   "source one\r\nsource two#2\r\n"
				   "step a\r\n\ttitle\tA title # comment\r\n\towner advocacy\r\n"
				   "\tdue identified-0m\r\n"
				   "step b\r\n  title B\r\n  owner medical\r\n  due\thearing -3d";
	struct protocol *p = parse_ok(text);
	struct buf out = BUF_INIT;

	UNUSED(state);
	assert_string_equal(protocol_name(p), "x");
	assert_string_equal(protocol_effective(p), "2024-02-29");
	assert_int_equal(protocol_nsteps(p), 2);
	protocol_describe(p, &out);
	assert_string_equal(out.data, "a | A title | owner advocacy | due identified\n"
				      "b | B | owner medical | due hearing - 3d | per hearing\n");
	buf_release(&out);
	protocol_free(p);
}

static void collects_every_error(void **state)
{
	static const char text[] = "protocol x\n"
				   "version 1\n"
				   "effective 2024-13-01\n"
				   "step a\n"
				   "  title A\n"
				   "  owner cops\n"
				   "  due identified + 1x\n"
				   "step b\n"
				   "  title B\n"
				   "  owner advocacy\n"
				   "  due step nowhere + 1d\n"
				   "  when status in dependent and age 17 to 12\n";
	struct buf errors = BUF_INIT;
	struct protocol *p = (struct protocol *)1;

	UNUSED(state);
	assert_int_equal(protocol_parse(text, strlen(text), "x.protocol", &p, &errors), SH_EINVAL);
	assert_null(p);
	assert_string_equal(
		errors.data,
		"x.protocol:3: the effective date must be a real date written YYYY-MM-DD, not "
		"'2024-13-01'\n"
		"x.protocol:6: unknown agency kind 'cops' (expected law_enforcement, child_welfare, "
		"probation, advocacy, medical, mental_health, prosecutor, shelter, oversight, education or juvenile_court, "
		"or a kind the file declares)\n"
		"x.protocol:7: malformed duration '1x' (write a whole number and a unit: 30m, 36h, "
		"3d or 2bd (business days))\n"
		"x.protocol:11: unknown step 'nowhere' in the due rule of 'b'\n"
		"x.protocol:12: the age range can never hold: 17 to 12 (minimum above maximum)\n");
	buf_release(&errors);
}

static void too_many_errors_stop(void **state)
{
	struct buf text = BUF_INIT, errors = BUF_INIT;
	struct protocol *p = NULL;

	UNUSED(state);
	buf_adds(&text, "protocol x\nversion 1\neffective 2024-01-01\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&text, "bogus line\n");
	assert_int_equal(protocol_parse(text.data, text.len, "x", &p, &errors), SH_EINVAL);
	assert_non_null(strstr(errors.data, "too many errors; stopped after 100"));
	buf_release(&text);
	buf_release(&errors);
}

static void load_file_errors(void **state)
{
	struct buf errors = BUF_INIT;
	struct protocol *p = NULL;

	UNUSED(state);
	assert_int_not_equal(protocol_load_file("tests/protocols/none.protocol", &p, &errors),
			     SH_OK);
	assert_null(p);
	assert_non_null(strstr(errors.data, "tests/protocols/none.protocol: cannot open: "));
	buf_reset(&errors);
	assert_int_not_equal(protocol_load_file("tests/protocols", &p, &errors), SH_OK);
	assert_null(p);
	assert_non_null(strstr(errors.data, "tests/protocols: "));
	buf_release(&errors);
	/* empty text: every header field and the steps are missing */
	assert_int_equal(protocol_parse(NULL, 0, "empty", &p, &errors), SH_EINVAL);
	assert_non_null(strstr(errors.data, "empty:1: missing header field: 'protocol NAME'\n"));
	assert_non_null(strstr(errors.data, "empty:1: no steps"));
	buf_release(&errors);
}

/* ---- format v2: business days and times of day ------------------------------------ */

static const char calendar_text[] = "protocol t\nversion 2\neffective 2026-01-01\n"
				    "step two_bd\n title T\n owner child_welfare\n"
				    " due identified + 2bd\n"
				    "step two_bd_noon\n title T\n owner child_welfare\n"
				    " due identified + 2bd at 12:00\n"
				    "step next_evening\n title T\n owner law_enforcement\n"
				    " due identified + 1d at 19:00\n"
				    "step elapsed\n title T\n owner law_enforcement\n"
				    " due identified + 1d\n"
				    "step small_hours\n title T\n owner law_enforcement\n"
				    " due identified + 1d at 02:30\n"
				    "step early_hours\n title T\n owner law_enforcement\n"
				    " due identified + 1d at 01:30\n"
				    "step before_hearing\n title T\n owner child_welfare\n"
				    " due hearing - 3bd\n";

struct county_calendar {
	struct tz *tz;
	struct sh_date *holidays;
	struct protocol_calendar cal;
};

static void calendar_load(struct county_calendar *c, const char *zone, const char *holidays)
{
	struct sh_error err = SH_ERROR_INIT;
	struct buf errors = BUF_INIT;
	size_t n = 0;

	memset(c, 0, sizeof(*c));
	if (tz_load(NULL, zone, &c->tz, &err))
		fail_msg("%s", err.detail);
	if (holidays && protocol_holidays_load(holidays, &c->holidays, &n, &errors))
		fail_msg("%s", errors.data);
	c->cal = (struct protocol_calendar){ c->tz, c->holidays, n };
	buf_release(&errors);
}

static void calendar_free(struct county_calendar *c)
{
	tz_free(c->tz);
	free(c->holidays);
}

static void business_days_over_a_holiday_weekend(void **state)
{
	struct protocol *p = parse_ok(calendar_text);
	struct county_calendar chi;
	struct case_facts f = facts(YOUTH_DEPENDENT);
	int64_t hearing = at("2026-12-01T09:00:00-06:00");
	struct step_status out[MAXOUT];
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	calendar_load(&chi, "America/Chicago", "tests/protocols/good/calendar.holidays");
	/* Wednesday before Thanksgiving, 3 pm in Chicago; Thursday and Friday are holidays */
	f.identified_at = at("2026-11-25T15:00:00-06:00");
	f.hearings = &hearing;
	f.nhearings = 1;
	f.cal = &chi.cal;
	n = eval(p, &f, f.identified_at, out);
	/* business day 1 is Monday the 30th, 2 is Tuesday: by the end of Tuesday */
	assert_pending(get(out, n, "two_bd", 0), "child_welfare", at("2026-12-01T23:59:59-06:00"));
	assert_pending(get(out, n, "two_bd_noon", 0), "child_welfare",
		       at("2026-12-01T12:00:00-06:00"));
	/* a calendar day is any day, holiday or not */
	assert_pending(get(out, n, "next_evening", 0), "law_enforcement",
		       at("2026-11-26T19:00:00-06:00"));
	assert_pending(get(out, n, "elapsed", 0), "law_enforcement", f.identified_at + DAY);
	/* counting back from Tuesday's hearing: Monday, Wednesday (over the holidays), Tuesday */
	assert_pending(get(out, n, "before_hearing", 1), "child_welfare",
		       at("2026-11-24T23:59:59-06:00"));
	/* at the deadline on time, a second later overdue */
	n = eval(p, &f, at("2026-12-01T23:59:59-06:00"), out);
	assert_false(get(out, n, "two_bd", 0)->overdue);
	n = eval(p, &f, at("2026-12-02T00:00:00-06:00"), out);
	assert_true(get(out, n, "two_bd", 0)->overdue);
	/* without the holidays Thursday and Friday count; without a zone, the days are UTC's */
	chi.cal.nholidays = 0;
	n = eval(p, &f, f.identified_at, out);
	assert_int_equal(get(out, n, "two_bd", 0)->due_at, at("2026-11-27T23:59:59-06:00"));
	f.cal = NULL;
	n = eval(p, &f, f.identified_at, out);
	assert_int_equal(get(out, n, "two_bd", 0)->due_at, at("2026-11-27T23:59:59Z"));
	assert_int_equal(get(out, n, "next_evening", 0)->due_at, at("2026-11-26T19:00:00Z"));
	/* protocol show writes the rules back */
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| due identified + 2bd at 12:00\n"));
	assert_non_null(strstr(show.data, "| due hearing - 3bd |"));
	assert_non_null(strstr(show.data, "| due identified + 1d at 19:00\n"));
	buf_release(&show);
	calendar_free(&chi);
	protocol_free(p);
}

static void times_of_day_across_daylight_saving(void **state)
{
	struct protocol *p = parse_ok(calendar_text);
	struct county_calendar chi;
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	calendar_load(&chi, "America/Chicago", "tests/protocols/good/calendar.holidays");
	f.cal = &chi.cal;
	/* Saturday 8 pm CST; the clocks go forward at 2 am on Sunday 2026-03-08 */
	f.identified_at = at("2026-03-07T20:00:00-06:00");
	n = eval(p, &f, f.identified_at, out);
	/* 7 pm the next day is 7 pm by the wall clock (CDT): 22 elapsed hours */
	assert_pending(get(out, n, "next_evening", 0), "law_enforcement",
		       at("2026-03-08T19:00:00-05:00"));
	assert_int_equal(get(out, n, "next_evening", 0)->due_at - f.identified_at, 22 * HOUR);
	/* "1d" without a time stays 24 elapsed hours (9 pm CDT) */
	assert_int_equal(get(out, n, "elapsed", 0)->due_at, at("2026-03-08T21:00:00-05:00"));
	/* Monday the 9th is a holiday of the test calendar: Tuesday and Wednesday count */
	assert_int_equal(get(out, n, "two_bd", 0)->due_at, at("2026-03-11T23:59:59-05:00"));
	/* 2:30 am on the 8th does not exist: read after the change, 3:30 am CDT */
	assert_int_equal(get(out, n, "small_hours", 0)->due_at, at("2026-03-08T03:30:00-05:00"));
	/* the clocks go back at 2 am on Sunday 2026-11-01: 1:30 happens twice, the first counts */
	f.identified_at = at("2026-10-31T20:00:00-05:00");
	n = eval(p, &f, f.identified_at, out);
	assert_int_equal(get(out, n, "next_evening", 0)->due_at, at("2026-11-01T19:00:00-06:00"));
	assert_int_equal(get(out, n, "early_hours", 0)->due_at, at("2026-11-01T01:30:00-05:00"));
	/* the same rule in Los Angeles, whose zone is two hours west */
	calendar_free(&chi);
	calendar_load(&chi, "America/Los_Angeles", NULL);
	f.cal = &chi.cal;
	n = eval(p, &f, f.identified_at, out);
	/* 8 pm CDT is 6 pm PDT on Saturday the 31st: 7 pm PST on Sunday */
	assert_int_equal(get(out, n, "next_evening", 0)->due_at, at("2026-11-01T19:00:00-08:00"));
	calendar_free(&chi);
	protocol_free(p);
}

/* ---- format v2: counts of missing episodes, screening results, 'or' --------------- */

static const char branch_text[] =
	"protocol t\nversion 2\neffective 2026-01-01\n"
	"step high_risk\n title High risk\n owner child_welfare\n due missing_end + 1bd\n"
	" when missing_count more than 4 within 365d before missing_start or age 0 to 12\n"
	"step standard\n title Standard\n owner child_welfare\n due missing_end + 3bd\n"
	" when missing_count at most 4 within 365d before missing_start and age 13 to 17\n"
	"step team_response\n title Team\n owner mental_health\n due identified + 72h\n"
	" when screening in high, Clear_Concern\n";

static void episode_counts_age_and_screening(void **state)
{
	struct protocol *p = parse_ok(branch_text);
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode eps[2] = { { t0 + DAY, t0 + 2 * DAY },
					  { t0 + 10 * DAY, t0 + 11 * DAY } };
	/* three episodes in earlier cases: 300, 200 and 400 days before this case */
	int64_t earlier[3] = { t0 - 300 * DAY, t0 - 200 * DAY, t0 - 400 * DAY };
	struct step_status out[MAXOUT];
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	f.missing = eps;
	f.nmissing = 2;
	f.earlier_missing = earlier;
	f.nearlier_missing = 3;
	/* episode 1: 300 and 200 days before, and itself: 3 in 365 days; episode 2: 4 */
	n = eval(p, &f, t0 + 12 * DAY, out);
	assert_na(get(out, n, "high_risk", 1));
	assert_na(get(out, n, "high_risk", 2));
	assert_int_equal(get(out, n, "standard", 1)->state, STEP_PENDING);
	assert_int_equal(get(out, n, "standard", 2)->state, STEP_PENDING);
	/* a fourth earlier episode inside the year makes episode 2 the fifth: more than 4 */
	earlier[2] = t0 - 30 * DAY;
	n = eval(p, &f, t0 + 12 * DAY, out);
	assert_na(get(out, n, "high_risk", 1));
	assert_int_equal(get(out, n, "standard", 1)->state, STEP_PENDING);
	assert_int_equal(get(out, n, "high_risk", 2)->state, STEP_PENDING);
	assert_na(get(out, n, "standard", 2));
	/* a youth of 12: high risk whatever the count (the other side of the 'or') */
	earlier[2] = t0 - 400 * DAY;
	f.age = 12;
	n = eval(p, &f, t0 + 12 * DAY, out);
	assert_int_equal(get(out, n, "high_risk", 1)->state, STEP_PENDING);
	assert_na(get(out, n, "standard", 1));
	/* an unknown age matches no range: the count alone decides */
	f.age = -1;
	n = eval(p, &f, t0 + 12 * DAY, out);
	assert_na(get(out, n, "high_risk", 1));
	assert_na(get(out, n, "standard", 1));
	/* the latest screening's level, written in any case */
	assert_na(get(out, n, "team_response", 0));
	f.screening_level = "moderate";
	n = eval(p, &f, t0, out);
	assert_na(get(out, n, "team_response", 0));
	f.screening_level = "clear_concern";
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "team_response", 0), "mental_health", t0 + 72 * HOUR);
	/* earlier episodes without their array are refused */
	f.earlier_missing = NULL;
	assert_int_equal(protocol_evaluate(p, &f, t0, out, MAXOUT, &n), SH_EINVAL);
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| when missing_count more than 4 within 365d before "
					  "missing_start or age 0 to 12 |"));
	assert_non_null(strstr(show.data, "| when screening in high, Clear_Concern"));
	buf_release(&show);
	protocol_free(p);
}

/* ---- format v2: declared kinds, co-owners, parties to notify ---------------------- */

static void declared_kinds_co_owners_and_notify(void **state)
{
	struct protocol *p = parse_ok(
		"protocol t\nversion 2\neffective 2026-01-01\n"
		"kind dfps_cvs = child_welfare\nkind ssc   =   child_welfare\n"
		"kind peace_officer = law_enforcement\n"
		"step coordination\n title Care coordination\n"
		" owner ssc when status in dependent\n owner dfps_cvs\n"
		" co_owner peace_officer when identified_by in peace_officer\n co_owner advocacy\n"
		" notify parents, attorney guardian_ad_litem,casa, court, tribe\n"
		" due identified + 2bd\n"
		" done by screening from dfps_cvs\n"
		"step plain\n title Plain\n owner child_welfare\n due identified + 1d\n");
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	const struct step_status *s;
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	/* a declared kind is the access table's kind it maps onto, and nothing more */
	n = eval(p, &f, t0, out);
	s = get(out, n, "coordination", 0);
	assert_string_equal(s->owner, "child_welfare");
	assert_string_equal(s->also_owner, "law_enforcement");
	f.identified_by = "child_welfare";
	n = eval(p, &f, t0, out);
	assert_string_equal(get(out, n, "coordination", 0)->also_owner, "advocacy");
	assert_null(get(out, n, "plain", 0)->also_owner);
	assert_true(protocol_step_may_own(p, 0, "child_welfare"));
	assert_true(protocol_step_may_own(p, 0, "advocacy"));
	assert_false(protocol_step_may_own(p, 0, "probation"));
	assert_false(protocol_step_may_own(p, 0, "ssc"));
	assert_true(protocol_step_done_by_kind(p, 0, "child_welfare"));
	assert_false(protocol_step_done_by_kind(p, 0, "mental_health"));
	assert_string_equal(protocol_step_notify(p, 0),
			    "parents, attorney, guardian_ad_litem, casa, court, tribe");
	assert_null(protocol_step_notify(p, 1));
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| owner ssc (child_welfare) when status in dependent, "
					  "otherwise dfps_cvs (child_welfare) | co_owner "
					  "peace_officer (law_enforcement) when identified_by in "
					  "law_enforcement, else advocacy | notify parents, "));
	buf_release(&show);
	protocol_free(p);
}

/* ---- format v2: the found and in_custody anchors ---------------------------------- */

static void found_and_in_custody_anchors(void **state)
{
	struct protocol *p = parse_ok(
		"protocol t\nversion 2\neffective 2026-01-01\n"
		"step custody_advocate\n title Advocate at custody\n owner advocacy\n"
		" due in_custody + 2h\n"
		"step found_notice\n title Found\n owner child_welfare\n due found + 24h\n"
		" when found within 7d after missing_start\n"
		"step found_followup\n title After found\n owner advocacy\n"
		" due step found_notice + 1d\n"
		"step custody_known\n title Custody known\n owner probation\n due identified + 1d\n"
		" when has in_custody\n");
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode eps[3] = { { t0 + DAY, t0 + 3 * DAY, 0, t0 + 2 * DAY },
					  { t0 + 10 * DAY, t0 + 12 * DAY, 0, 0 },
					  { t0 + 20 * DAY, 0, 0, 0 } };
	struct step_event ev = { "found_notice", 1, false, t0 + 2 * DAY + HOUR };
	struct step_status out[MAXOUT];
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	n = eval(p, &f, t0, out);
	/* never in custody: not applicable */
	assert_na(get(out, n, "custody_advocate", 0));
	assert_na(get(out, n, "custody_known", 0));
	f.in_custody_at = t0 + 5 * HOUR;
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "custody_advocate", 0), "advocacy", t0 + 7 * HOUR);
	assert_pending(get(out, n, "custody_known", 0), "probation", t0 + DAY);
	/* found: when the episode says so, else at the return; not before either */
	f.missing = eps;
	f.nmissing = 3;
	f.events = &ev;
	f.nevents = 1;
	n = eval(p, &f, t0 + 25 * DAY, out);
	assert_int_equal(get(out, n, "found_notice", 1)->state, STEP_DONE);
	assert_int_equal(get(out, n, "found_notice", 1)->due_at, t0 + 3 * DAY);
	assert_pending(get(out, n, "found_followup", 1), "advocacy", t0 + 3 * DAY + HOUR);
	assert_pending(get(out, n, "found_notice", 2), "child_welfare", t0 + 13 * DAY);
	/* episode 3: still missing, so nothing due from its finding yet */
	assert_null(find(out, n, "found_notice", 3));
	assert_null(find(out, n, "found_followup", 3));
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| due found + 24h | when found within 7d after "
					  "missing_start | per missing episode, once the youth is "
					  "found"));
	assert_true(protocol_step_episodic(p, "found_followup"));
	buf_release(&show);
	protocol_free(p);
}

/* ---- format v2: the end of the on-call shift --------------------------------------- */

static void shift_end_deadlines(void **state)
{
	struct protocol *p = parse_ok("protocol t\nversion 2\neffective 2026-01-01\n"
				      "step intake\n title Intake\n owner child_welfare\n"
				      " due shift_end after identified within 12h\n"
				      "step staffing\n title Staffing\n owner law_enforcement\n"
				      " due shift_end after step intake within 8h\n");
	/* child welfare's shift ends 5 hours after identification; law enforcement's 20 */
	struct protocol_shift shifts[] = {
		{ "child_welfare", t0 - 3 * HOUR, t0 + 5 * HOUR },
		{ "child_welfare", t0 + 5 * HOUR, t0 + 17 * HOUR },
		{ "law_enforcement", t0 - 4 * HOUR, t0 + 20 * HOUR },
	};
	struct step_event ev = { "intake", 0, false, t0 + HOUR };
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_status out[MAXOUT];
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	/* no roster: at most 12 hours */
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "intake", 0), "child_welfare", t0 + 12 * HOUR);
	f.shifts = shifts;
	f.nshifts = ARRAY_SIZE(shifts);
	n = eval(p, &f, t0, out);
	assert_pending(get(out, n, "intake", 0), "child_welfare", t0 + 5 * HOUR);
	/* the shift is the owner's: law enforcement's ends later than the 8-hour cap */
	f.events = &ev;
	f.nevents = 1;
	n = eval(p, &f, t0 + HOUR, out);
	assert_pending(get(out, n, "staffing", 0), "law_enforcement", t0 + 9 * HOUR);
	/* a shift that ends exactly at the anchor is over: the next one counts */
	f.identified_at = t0 + 5 * HOUR;
	f.nevents = 0;
	n = eval(p, &f, f.identified_at, out);
	assert_pending(get(out, n, "intake", 0), "child_welfare", t0 + 17 * HOUR);
	f.shifts = NULL;
	assert_int_equal(protocol_evaluate(p, &f, t0, out, MAXOUT, &n), SH_EINVAL);
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| due shift_end after identified within 12h\n"));
	assert_non_null(strstr(show.data, "| due shift_end after step intake within 8h\n"));
	buf_release(&show);
	protocol_free(p);
}

/* ---- Texas DFPS care coordination for a recovered youth --------------------------- */

#define TX_FILE "protocols/tx-dfps-care-coordination.protocol"

/* The scenario tests' check of one step against a hand-worked deadline (NULL: not
 * applicable): pending, owned by OWNER, due to the second. */
static void expect_due(const struct step_status *out, size_t n, int ep, const char *key,
		       const char *due, const char *owner)
{
	const struct step_status *s = get(out, n, key, ep);

	if (!due) {
		assert_na(s);
		return;
	}
	if (s->due_at != at(due)) {
		char got[TIMEFMT_RFC3339_LEN];
		timefmt_format_rfc3339(s->due_at, got);
		fail_msg("%s episode %d: due %s, expected %s", key, ep, got, due);
	}
	assert_int_equal(s->state, STEP_PENDING);
	assert_string_equal(s->owner, owner);
}

static void tx_expect(const struct step_status *out, size_t n, int ep, const char *key,
		      const char *due)
{
	expect_due(out, n, ep, key, due, "child_welfare");
}

/* a scenario's table of hand-worked deadlines: episode (or occurrence), step, due */
struct want_due {
	int ep;
	const char *key, *due;
};

static void expect_table(const struct step_status *out, size_t n, const struct want_due *want,
			 size_t nwant, const char *owner)
{
	for (size_t i = 0; i < nwant; i++)
		expect_due(out, n, want[i].ep, want[i].key, want[i].due, owner);
}

/* A youth in DFPS conservatorship, recovered three times in 2026 in Chicago's time: the
 * deadlines worked out by hand from the file, the Texas holidays and the on-call roster. */
static void tx_recovery_scenario(void **state)
{
	struct protocol *tx = NULL;
	struct buf errors = BUF_INIT;
	struct county_calendar chi;
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode eps[3] = {
		/* found on Saturday evening, the night the clocks go forward */
		{ at("2026-03-01T18:00:00-06:00"), at("2026-03-07T23:00:00-06:00"), 0,
		  at("2026-03-07T20:00:00-06:00") },
		/* found at 2 am on a Sunday, no on-call shift on the roster */
		{ at("2026-07-04T12:00:00-05:00"), at("2026-07-05T02:00:00-05:00"), 0, 0 },
		/* found the evening before Thanksgiving (Thursday and Friday are state holidays) */
		{ at("2026-11-20T22:00:00-06:00"), at("2026-11-25T23:00:00-06:00"), 0,
		  at("2026-11-25T21:30:00-06:00") },
	};
	/* missing episodes of the youth's earlier cases */
	int64_t earlier[3] = { at("2026-01-10T12:00:00-06:00"), at("2025-12-01T12:00:00-06:00"),
			       at("2025-06-15T12:00:00-05:00") };
	struct protocol_shift shifts[] = {
		{ "child_welfare", at("2026-03-07T17:00:00-06:00"),
		  at("2026-03-08T08:00:00-05:00") },
		{ "law_enforcement", at("2026-11-25T08:00:00-06:00"),
		  at("2026-11-25T22:00:00-06:00") },
		{ "child_welfare", at("2026-11-25T17:00:00-06:00"),
		  at("2026-11-26T08:00:00-06:00") },
	};
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	if (protocol_load_file(TX_FILE, &tx, &errors))
		fail_msg("%s", errors.data);
	calendar_load(&chi, "America/Chicago", "protocols/holidays/texas-state-2026.holidays");
	f.identified_at = at("2026-02-01T10:00:00-06:00");
	f.identified_by = "child_welfare";
	f.cal = &chi.cal;
	f.missing = eps;
	f.nmissing = 3;
	f.earlier_missing = earlier;
	f.nearlier_missing = 3;
	f.shifts = shifts;
	f.nshifts = ARRAY_SIZE(shifts);
	n = eval(tx, &f, at("2026-12-01T00:00:00-06:00"), out);
	assert_int_equal(n, 3 * protocol_nsteps(tx));

	/* every step of each recovery, worked out by hand (NULL: not applicable) */
	static const struct want_due want[] = {
		/* 1: found 8 pm CST Saturday 2026-03-07; the shift ends 8 am CDT Sunday (before the
		 * 12-hour cap, 9 am CDT); 7 pm "the next calendar day" is 22 elapsed hours later;
		 * Monday the 9th is the first business day. 4 episodes in the year before it went
		 * missing (itself, 2026-01-10, 2025-12-01, 2025-06-15): not high risk. */
		{ 1, "recovery_reported_le_ncmec", "2026-03-08T08:00:00-05:00" },
		{ 1, "recovery_parties_notified", "2026-03-08T08:00:00-05:00" },
		{ 1, "recovery_chain_of_command", "2026-03-08T08:00:00-05:00" },
		{ 1, "placement_status_updated", "2026-03-08T19:00:00-05:00" },
		{ 1, "on_call_tasks_confirmed", "2026-03-09T23:59:59-05:00" },
		{ 1, "first_business_days_tasks", "2026-03-10T23:59:59-05:00" },
		{ 1, "high_risk_staffing", NULL },
		{ 1, "care_coordination_staffing", "2026-03-11T23:59:59-05:00" },
		/* 2: found 2 am CDT Sunday 2026-07-05 (the found time is the return); no shift: the
		 * caps, 12 and 24 hours; Independence Day fell on Saturday, closing nothing. The year
		 * before it went missing: 2025-12-01, 2026-01-10, March, itself: 4, not high risk */
		{ 2, "recovery_reported_le_ncmec", "2026-07-05T14:00:00-05:00" },
		{ 2, "recovery_parties_notified", "2026-07-06T02:00:00-05:00" },
		{ 2, "placement_status_updated", "2026-07-06T19:00:00-05:00" },
		{ 2, "on_call_tasks_confirmed", "2026-07-06T23:59:59-05:00" },
		{ 2, "first_business_days_tasks", "2026-07-07T23:59:59-05:00" },
		{ 2, "high_risk_staffing", NULL },
		{ 2, "care_coordination_staffing", "2026-07-08T23:59:59-05:00" },
		/* 3: found 9:30 pm CST Wednesday 2026-11-25; child welfare's shift ends 8 am on
		 * Thanksgiving (law enforcement's earlier shift is not the owner's); the first business
		 * day after the holiday weekend is Monday the 30th. 5 episodes in the year before it went
		 * missing (2025-12-01, 2026-01-10, March, July, itself): more than 4, high risk */
		{ 3, "recovery_reported_le_ncmec", "2026-11-26T08:00:00-06:00" },
		{ 3, "recovery_parties_notified", "2026-11-26T08:00:00-06:00" },
		{ 3, "placement_status_updated", "2026-11-26T19:00:00-06:00" },
		{ 3, "on_call_tasks_confirmed", "2026-11-30T23:59:59-06:00" },
		{ 3, "first_business_days_tasks", "2026-12-01T23:59:59-06:00" },
		{ 3, "high_risk_staffing", "2026-11-30T23:59:59-06:00" },
		{ 3, "care_coordination_staffing", NULL },
	};

	expect_table(out, n, want, ARRAY_SIZE(want), "child_welfare");

	/* a youth of 12 is high risk whatever the count */
	f.age = 12;
	n = eval(tx, &f, at("2026-12-01T00:00:00-06:00"), out);
	tx_expect(out, n, 1, "high_risk_staffing", "2026-03-09T23:59:59-05:00");
	tx_expect(out, n, 1, "care_coordination_staffing", NULL);
	/* a youth not in DFPS conservatorship: nothing of this protocol applies */
	f.status = YOUTH_NONE;
	n = eval(tx, &f, at("2026-12-01T00:00:00-06:00"), out);
	for (size_t i = 0; i < n; i++)
		assert_na(&out[i]);
	/* overdue one second after the deadline, on time at it */
	f.status = YOUTH_DEPENDENT;
	f.age = 15;
	n = eval(tx, &f, at("2026-11-26T08:00:00-06:00"), out);
	assert_false(get(out, n, "recovery_reported_le_ncmec", 3)->overdue);
	n = eval(tx, &f, at("2026-11-26T08:00:01-06:00"), out);
	assert_true(get(out, n, "recovery_reported_le_ncmec", 3)->overdue);
	/* the parties to tell come from the file */
	assert_string_equal(protocol_step_notify(tx, 1),
			    "parents, attorney_ad_litem, guardian_ad_litem, casa, court");
	calendar_free(&chi);
	buf_release(&errors);
	protocol_free(tx);
}

/* ---- San Francisco's CSEC multidisciplinary response ------------------------------ */

#define SF_FILE "protocols/sf-csec-mdt.protocol"

/* A youth identified in San Francisco on a Friday night in February 2026, in Los Angeles time
 * and without a holiday file: the triage, the crisis response waived (no emergency), the
 * non-emergency MDT, and a year of ongoing MDT reviews across both daylight-saving changes. */
static void sf_mdt_scenario(void **state)
{
	struct protocol *sf = NULL;
	struct buf errors = BUF_INIT;
	struct county_calendar pt;
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_event ev[2] = {
		{ "triage_call", 0, false, at("2026-02-13T22:30:00-08:00") },
		{ "crisis_response", 0, true, at("2026-02-13T22:35:00-08:00") },
	};
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	if (protocol_load_file(SF_FILE, &sf, &errors))
		fail_msg("%s", errors.data);
	calendar_load(&pt, "America/Los_Angeles", NULL);
	f.identified_at = at("2026-02-13T21:00:00-08:00");
	f.cal = &pt.cal;

	/* at identification: the triage is due in 2 hours; the branches wait for it */
	n = eval(sf, &f, f.identified_at, out);
	expect_due(out, n, 0, "triage_call", "2026-02-13T23:00:00-08:00", "child_welfare");
	assert_string_equal(get(out, n, "triage_call", 0)->also_owner, "mental_health");
	assert_pending(get(out, n, "crisis_response", 0), "mental_health", 0);
	assert_na(get(out, n, "non_emergency_mdt", 0));
	/* the triage at 10:30 pm: the crisis response is due 2 hours later, the advocate with it */
	f.events = ev;
	f.nevents = 1;
	n = eval(sf, &f, at("2026-02-13T22:31:00-08:00"), out);
	expect_due(out, n, 0, "crisis_response", "2026-02-14T00:30:00-08:00", "mental_health");
	assert_string_equal(get(out, n, "crisis_response", 0)->also_owner, "advocacy");
	assert_na(get(out, n, "non_emergency_mdt", 0));

	/* no emergency: the crisis response is waived, and the non-emergency MDT meets within 3
	 * business days of the triage. From Friday the 13th: Monday 16 (Presidents' Day, but no
	 * holiday file is loaded), Tuesday 17, Wednesday 18, to its end. The ongoing reviews: the
	 * first 14 days after identification, each next 30 days (elapsed) after the one before,
	 * so 9 pm PST becomes 10 pm PDT after the clocks go forward on 2026-03-08, and 9 pm PST
	 * again after they go back on 2026-11-01. On 2026-11-30 the 10th is due: the 11th shows. */
	f.nevents = 2;
	n = eval(sf, &f, at("2026-11-30T00:00:00-08:00"), out);
	static const struct want_due want[] = {
		{ 0, "non_emergency_mdt", "2026-02-18T23:59:59-08:00" },
		{ 1, "ongoing_mdt", "2026-02-27T21:00:00-08:00" },
		{ 2, "ongoing_mdt", "2026-03-29T22:00:00-07:00" },
		{ 3, "ongoing_mdt", "2026-04-28T22:00:00-07:00" },
		{ 4, "ongoing_mdt", "2026-05-28T22:00:00-07:00" },
		{ 5, "ongoing_mdt", "2026-06-27T22:00:00-07:00" },
		{ 6, "ongoing_mdt", "2026-07-27T22:00:00-07:00" },
		{ 7, "ongoing_mdt", "2026-08-26T22:00:00-07:00" },
		{ 8, "ongoing_mdt", "2026-09-25T22:00:00-07:00" },
		{ 9, "ongoing_mdt", "2026-10-25T22:00:00-07:00" },
		{ 10, "ongoing_mdt", "2026-11-24T21:00:00-08:00" },
		{ 11, "ongoing_mdt", "2026-12-24T21:00:00-08:00" },
	};
	expect_table(out, n, want, ARRAY_SIZE(want), "mental_health");
	assert_int_equal(get(out, n, "crisis_response", 0)->state, STEP_WAIVED);
	assert_null(find(out, n, "ongoing_mdt", 12));
	assert_true(get(out, n, "ongoing_mdt", 10)->overdue);
	assert_false(get(out, n, "ongoing_mdt", 11)->overdue);

	/* a crisis: the crisis response done, so no non-emergency MDT */
	ev[1].waived = false;
	n = eval(sf, &f, at("2026-02-14T00:00:00-08:00"), out);
	assert_int_equal(get(out, n, "crisis_response", 0)->state, STEP_DONE);
	assert_na(get(out, n, "non_emergency_mdt", 0));
	/* closed on 2026-06-01: the 5th review started before (the 4th was due on May 28), no 6th */
	f.closed_at = at("2026-06-01T12:00:00-07:00");
	n = eval(sf, &f, at("2026-11-30T00:00:00-08:00"), out);
	assert_non_null(find(out, n, "ongoing_mdt", 5));
	assert_null(find(out, n, "ongoing_mdt", 6));
	calendar_free(&pt);
	buf_release(&errors);
	protocol_free(sf);
}

/* ---- Washington DCYF: a youth missing from care ----------------------------------- */

#define WA_FILE "protocols/wa-missing-from-care.protocol"

/* A youth in DCYF care missing three times in 2026, in Los Angeles time with Washington's
 * state holidays: the deadlines worked out by hand from the file. */
static void wa_missing_scenario(void **state)
{
	struct protocol *wa = NULL;
	struct buf errors = BUF_INIT;
	struct county_calendar pt;
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode eps[3] = {
		/* gone on Saturday night; DCYF learns at 1:30 am, half an hour before the clocks go
		 * forward; back (and found) on Thursday afternoon */
		{ at("2026-03-07T22:00:00-08:00"), at("2026-03-12T16:00:00-07:00"),
		  at("2026-03-08T01:30:00-08:00"), 0 },
		/* gone the evening before Thanksgiving (Thursday and Friday are state holidays);
		 * found at 3 am on Saturday, back in placement at 4 */
		{ at("2026-11-25T20:00:00-08:00"), at("2026-11-28T04:00:00-08:00"),
		  at("2026-11-25T21:30:00-08:00"), at("2026-11-28T03:00:00-08:00") },
		/* gone on Monday morning, still missing: nothing due from a finding yet */
		{ at("2026-11-30T08:00:00-08:00"), 0, 0, 0 },
	};
	struct step_event ev = { "return_csec_screening", 2, false,
				 at("2026-11-30T10:00:00-08:00") };
	struct step_status out[MAXOUT];
	size_t n;

	UNUSED(state);
	if (protocol_load_file(WA_FILE, &wa, &errors))
		fail_msg("%s", errors.data);
	calendar_load(&pt, "America/Los_Angeles",
		      "protocols/holidays/washington-state-2026.holidays");
	f.identified_at = at("2026-02-01T10:00:00-08:00");
	f.identified_by = "child_welfare";
	f.cal = &pt.cal;
	f.missing = eps;
	f.nmissing = 3;
	f.events = &ev;
	f.nevents = 1;
	f.screening_level = "Indicated";
	n = eval(wa, &f, at("2026-11-30T12:00:00-08:00"), out);

	static const struct want_due want[] = {
		/* 1: learned 1:30 am PST Sunday 2026-03-08; 24 elapsed hours later is 2:30 am PDT
		 * Monday; two business days: Monday 9, Tuesday 10, to its end. Found at the return,
		 * Thursday 4 pm PDT: the screening within 72 hours; not done, so no report branch */
		{ 1, "mfc_reported_le_ncmec", "2026-03-09T02:30:00-07:00" },
		{ 1, "mfc_parties_notified", "2026-03-09T02:30:00-07:00" },
		{ 1, "mfc_supervisor_staffing", "2026-03-10T23:59:59-07:00" },
		{ 1, "mfc_attorney_requested", "2026-03-10T23:59:59-07:00" },
		{ 1, "return_csec_screening", "2026-03-15T16:00:00-07:00" },
		{ 1, "csec_reported_le", NULL },
		/* 2: learned 9:30 pm Wednesday 2026-11-25: the 24-hour reports are due on
		 * Thanksgiving (elapsed hours count holidays); the business days skip Thanksgiving,
		 * Native American Heritage Day and the weekend: Monday 30, Tuesday 1 December. Found
		 * 3 am Saturday: the screening by 3 am Tuesday; done Monday at 10 am, indicated, so
		 * law enforcement is told within 24 hours of it */
		{ 2, "mfc_reported_le_ncmec", "2026-11-26T21:30:00-08:00" },
		{ 2, "mfc_parties_notified", "2026-11-26T21:30:00-08:00" },
		{ 2, "mfc_supervisor_staffing", "2026-12-01T23:59:59-08:00" },
		{ 2, "mfc_attorney_requested", "2026-12-01T23:59:59-08:00" },
		{ 2, "csec_reported_le", "2026-12-01T10:00:00-08:00" },
		/* 3: learned at the start, 8 am Monday 2026-11-30 */
		{ 3, "mfc_reported_le_ncmec", "2026-12-01T08:00:00-08:00" },
		{ 3, "mfc_supervisor_staffing", "2026-12-02T23:59:59-08:00" },
	};
	expect_table(out, n, want, ARRAY_SIZE(want), "child_welfare");
	assert_int_equal(get(out, n, "return_csec_screening", 2)->state, STEP_DONE);
	assert_int_equal(get(out, n, "return_csec_screening", 2)->due_at,
			 at("2026-12-01T03:00:00-08:00"));
	assert_null(find(out, n, "return_csec_screening", 3));
	assert_null(find(out, n, "csec_reported_le", 3));
	/* the parties to tell come from the file */
	assert_string_equal(protocol_step_notify(wa, 1),
			    "parents, attorney, guardian_ad_litem, casa, court, tribe");

	/* a screening that finds nothing: no report to law enforcement */
	f.screening_level = "clear";
	n = eval(wa, &f, at("2026-11-30T12:00:00-08:00"), out);
	assert_na(get(out, n, "csec_reported_le", 2));
	/* on time at the end of the second business day, overdue one second later */
	n = eval(wa, &f, at("2026-12-01T23:59:59-08:00"), out);
	assert_false(get(out, n, "mfc_supervisor_staffing", 2)->overdue);
	n = eval(wa, &f, at("2026-12-02T00:00:00-08:00"), out);
	assert_true(get(out, n, "mfc_supervisor_staffing", 2)->overdue);
	calendar_free(&pt);
	buf_release(&errors);
	protocol_free(wa);
}

/* ---- format v2: branches on an earlier step's outcome ------------------------------ */

static void outcome_branches(void **state)
{
	/* the branches come first in the file: the order of evaluation follows the references */
	struct protocol *p = parse_ok("protocol t\nversion 2\neffective 2026-01-01\n"
				      "step team_response\n title Team\n owner child_welfare\n"
				      " due step screening + 24h\n"
				      " when step screening in done and screening in high\n"
				      "step no_screening_followup\n title Follow-up\n"
				      " owner advocacy when step screening in waived\n"
				      " owner mental_health\n"
				      " due identified + 7d\n"
				      " when step screening in waived, not_applicable\n"
				      "step screening\n title Screening\n owner mental_health\n"
				      " due identified + 72h\n when age 12 to 17\n"
				      "step return_check\n title Return\n owner child_welfare\n"
				      " due missing_end + 1d\n when step screening in pending\n");
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct missing_episode ep = { t0 + DAY, t0 + 2 * DAY, 0, 0 };
	struct step_event ev = { "screening", 0, false, t0 + 10 * HOUR };
	struct step_status out[MAXOUT];
	struct buf show = BUF_INIT;
	size_t n;

	UNUSED(state);
	f.missing = &ep;
	f.nmissing = 1;
	f.screening_level = "high";
	/* the screening is pending: no branch yet but the one that waits for it */
	n = eval(p, &f, t0 + 3 * DAY, out);
	assert_na(get(out, n, "team_response", 0));
	assert_na(get(out, n, "no_screening_followup", 0));
	assert_pending(get(out, n, "return_check", 1), "child_welfare", t0 + 3 * DAY);
	/* done, with a high level: the team responds within a day of it */
	f.events = &ev;
	f.nevents = 1;
	n = eval(p, &f, t0 + 3 * DAY, out);
	assert_pending(get(out, n, "team_response", 0), "child_welfare", t0 + 34 * HOUR);
	assert_na(get(out, n, "no_screening_followup", 0));
	assert_na(get(out, n, "return_check", 1));
	/* waived: the other branch, owned by the advocate */
	ev.waived = true;
	n = eval(p, &f, t0 + 3 * DAY, out);
	assert_na(get(out, n, "team_response", 0));
	assert_pending(get(out, n, "no_screening_followup", 0), "advocacy", t0 + 7 * DAY);
	/* not applicable (an 18-year-old): the same branch, mental health's */
	f.age = 18;
	n = eval(p, &f, t0 + 3 * DAY, out);
	assert_pending(get(out, n, "no_screening_followup", 0), "mental_health", t0 + 7 * DAY);
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| when step screening in done and screening in high"));
	assert_non_null(strstr(show.data, "| when step screening in waived, not_applicable"));
	buf_release(&show);
	protocol_free(p);
}

/* The steps that tell a screening result (hidden from agencies without the services
 * section): found from the conditions, not from the text, so a step named "screening" is
 * not mistaken for a screening level. */
static void screening_gated_steps(void **state)
{
	struct protocol *p =
		parse_ok("protocol t\nversion 2\neffective 2026-01-01\n"
			 "step screening\n title Screening\n owner mental_health\n"
			 " due identified + 72h\n"
			 "step after_screening\n title After\n owner advocacy\n"
			 " due step screening + 1d\n when step screening in done\n"
			 "step high_response\n title High\n owner child_welfare\n"
			 " due identified + 4d\n when screening in high\n"
			 "step follows_high\n title Follows\n owner advocacy\n"
			 " due step high_response + 1d\n"
			 "step tests_high\n title Tests\n owner probation\n"
			 " due identified + 9d\n when step high_response in waived\n"
			 "step by_owner\n title By owner\n owner advocacy when screening in "
			 "low\n owner mental_health\n due identified + 5d\n");
	size_t i;

	UNUSED(state);
	assert_true(protocol_any_screening_gated(p));
	const char *gated[] = { "high_response", "follows_high", "tests_high", "by_owner" };
	const char *open[] = { "screening", "after_screening" };
	for (size_t k = 0; k < ARRAY_SIZE(gated); k++) {
		for (i = 0; strcmp(protocol_step_key(p, i), gated[k]); i++)
			;
		assert_true(protocol_screening_gated(p, i));
	}
	for (size_t k = 0; k < ARRAY_SIZE(open); k++) {
		for (i = 0; strcmp(protocol_step_key(p, i), open[k]); i++)
			;
		assert_false(protocol_screening_gated(p, i));
	}
	protocol_free(p);
	p = parse_ok("protocol t\nversion 2\neffective 2026-01-01\n"
		     "step plain\n title Plain\n owner advocacy\n due identified + 1d\n");
	assert_false(protocol_any_screening_gated(p));
	assert_false(protocol_screening_gated(p, 0));
	protocol_free(p);
}

/* ---- format v2: repeating steps -------------------------------------------------- */

static void repeating_steps(void **state)
{
	struct protocol *p = parse_ok("protocol t\nversion 2\neffective 2026-01-01\n"
				      "step mdt_review\n title Ongoing team review\n"
				      " owner child_welfare\n due identified + 7d\n"
				      " repeat every 30d until closed\n"
				      "step hourly\n title Hourly check\n owner shelter\n"
				      " due identified\n repeat every 1h\n");
	struct case_facts f = facts(YOUTH_DEPENDENT);
	struct step_event ev[2] = { { "mdt_review", 1, false, t0 + 6 * DAY },
				    { "mdt_review", 2, true, t0 + 30 * DAY } };
	struct step_status out[600];
	struct buf show = BUF_INIT;
	size_t n = 0;

	UNUSED(state);
	assert_true(protocol_step_episodic(p, "mdt_review"));
	/* day 0: the first review, due on day 7 */
	assert_int_equal(protocol_evaluate(p, &f, t0, out, 600, &n), SH_OK);
	assert_null(find(out, n, "mdt_review", 2));
	assert_pending(get(out, n, "mdt_review", 1), "child_welfare", t0 + 7 * DAY);
	/* day 70: the first done, the second waived, the third late, the fourth on its way */
	f.events = ev;
	f.nevents = 2;
	assert_int_equal(protocol_evaluate(p, &f, t0 + 70 * DAY, out, 600, &n), SH_OK);
	assert_int_equal(get(out, n, "mdt_review", 1)->state, STEP_DONE);
	assert_int_equal(get(out, n, "mdt_review", 2)->state, STEP_WAIVED);
	assert_int_equal(get(out, n, "mdt_review", 2)->opened_at, t0 + 7 * DAY);
	assert_pending(get(out, n, "mdt_review", 3), "child_welfare", t0 + 67 * DAY);
	assert_true(get(out, n, "mdt_review", 3)->overdue);
	assert_pending(get(out, n, "mdt_review", 4), "child_welfare", t0 + 97 * DAY);
	assert_false(get(out, n, "mdt_review", 4)->overdue);
	assert_null(find(out, n, "mdt_review", 5));
	/* closed on day 40: nothing starts after it (the third started on day 37) */
	f.closed_at = t0 + 40 * DAY;
	assert_int_equal(protocol_evaluate(p, &f, t0 + 70 * DAY, out, 600, &n), SH_OK);
	assert_non_null(find(out, n, "mdt_review", 3));
	assert_null(find(out, n, "mdt_review", 4));
	/* without "until closed" it goes on; at most 500 occurrences */
	assert_int_equal(get(out, n, "hourly", 1)->due_at, t0);
	assert_int_equal(protocol_evaluate(p, &f, t0 + 3 * DAY, out, 600, &n), SH_OK);
	/* the 73rd is due now, so the 74th is shown too (the next deadline is always known) */
	assert_pending(get(out, n, "hourly", 73), "shelter", t0 + 72 * HOUR);
	assert_pending(get(out, n, "hourly", 74), "shelter", t0 + 73 * HOUR);
	assert_null(find(out, n, "hourly", 75));
	assert_int_equal(protocol_evaluate(p, &f, t0 + 3000 * DAY, out, 600, &n), SH_OK);
	assert_non_null(find(out, n, "hourly", 500));
	assert_null(find(out, n, "hourly", 501));
	protocol_describe(p, &show);
	assert_non_null(strstr(show.data, "| due identified + 7d | repeat every 30d until closed"));
	buf_release(&show);
	protocol_free(p);
}

static void holiday_files(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf# comment\r\n\r\n2026-12-25 Christmas Day # note\r\n"
		"  2026-01-01\tNew Year's Day\n2026-07-04 Independence Day";
	struct sh_date *d = NULL;
	struct buf errors = BUF_INIT;
	struct protocol_calendar cal;
	size_t n = 0;

	UNUSED(state);
	/* a byte-order mark is not a date */
	assert_int_equal(protocol_holidays_parse(text, sizeof(text) - 1, "h", &d, &n, &errors),
			 SH_EINVAL);
	assert_non_null(strstr(errors.data, "h:1: a holiday line is a date"));
	buf_reset(&errors);
	assert_int_equal(protocol_holidays_parse(text + 3, sizeof(text) - 4, "h", &d, &n, &errors),
			 SH_OK);
	assert_int_equal(n, 3);
	/* sorted */
	assert_int_equal(d[0].month, 1);
	assert_int_equal(d[1].month, 7);
	assert_int_equal(d[2].month, 12);
	cal = (struct protocol_calendar){ NULL, d, n };
	assert_false(protocol_business_day(&cal, (struct sh_date){ 2026, 12, 25 })); /* Friday */
	assert_true(protocol_business_day(&cal, (struct sh_date){ 2026, 12, 24 }));
	assert_false(protocol_business_day(&cal, (struct sh_date){ 2026, 12, 26 })); /* Saturday */
	assert_false(protocol_business_day(NULL, (struct sh_date){ 2026, 12, 27 })); /* Sunday */
	assert_true(protocol_business_day(NULL, (struct sh_date){ 2026, 12, 28 }));
	free(d);
	/* an empty file is an empty calendar; a missing file says so */
	assert_int_equal(protocol_holidays_parse(NULL, 0, "h", &d, &n, &errors), SH_OK);
	assert_int_equal(n, 0);
	free(d);
	assert_int_equal(protocol_holidays_load("tests/protocols/none.holidays", &d, &n, &errors),
			 SH_EIO);
	assert_non_null(strstr(errors.data, "tests/protocols/none.holidays: cannot open"));
	assert_int_equal(protocol_holidays_load("protocols/holidays/texas-state-2026.holidays", &d,
						&n, &errors),
			 SH_OK);
	assert_int_equal(n, 10);
	free(d);
	buf_release(&errors);
}

/* Reads the "# expect: LINE: message" lines at the top of a file. */
static size_t expectations(const char *text, char exp[][256], size_t max)
{
	static const char tag[] = "# expect: ";
	size_t n = 0;

	while (n < max && !strncmp(text, tag, sizeof(tag) - 1)) {
		const char *s = text + sizeof(tag) - 1, *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (len >= 256)
			fail_msg("expectation too long");
		memcpy(exp[n], s, len);
		exp[n++][len] = '\0';
		if (!nl)
			break;
		text = nl + 1;
	}
	return n;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

/* a protocol file, or a holiday calendar */
static int is_protocol(const struct dirent *d)
{
	return ends_with(d->d_name, ".protocol") || ends_with(d->d_name, ".holidays");
}

static void bad_corpus(void **state)
{
	static const char dir[] = "tests/protocols/bad";
	struct dirent **names = NULL;
	int nfiles;

	UNUSED(state);
	nfiles = scandir(dir, &names, is_protocol, by_name);
	if (nfiles < 40)
		fail_msg("expected the malformed-protocol corpus in %s (run from the repo root)",
			 dir);
	for (int i = 0; i < nfiles; i++) {
		char path[512], exp[8][256], want[3072];
		struct buf text = BUF_INIT, errors = BUF_INIT;
		struct protocol *p = NULL;
		FILE *fp;
		size_t nexp, got;
		char chunk[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		fp = fopen(path, "rb");
		assert_non_null(fp);
		while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&text, chunk, got);
		fclose(fp);
		nexp = expectations(text.data, exp, ARRAY_SIZE(exp));
		if (!nexp)
			fail_msg("%s: no '# expect: LINE: message' line at the top", path);
		if (ends_with(path, ".holidays")) {
			struct sh_date *days = NULL;
			size_t nd = 1;
			if (protocol_holidays_load(path, &days, &nd, &errors) != SH_EINVAL)
				fail_msg("%s: read, but should fail with: %s", path, exp[0]);
			assert_null(days);
			assert_int_equal(nd, 0);
		} else if (protocol_parse(text.data, text.len, path, &p, &errors) != SH_EINVAL) {
			fail_msg("%s: parsed, but should fail with: %s", path, exp[0]);
		}
		assert_null(p);
		for (size_t k = 0; k < nexp; k++) {
			snprintf(want, sizeof(want), "%s:%s", path, exp[k]);
			if (!strstr(errors.data, want))
				fail_msg("%s: expected an error containing\n  %s\ngot:\n%s", path,
					 want, errors.data);
		}
		/* and protocol_load_file reports the same */
		buf_reset(&errors);
		if (!ends_with(path, ".holidays")) {
			assert_int_equal(protocol_load_file(path, &p, &errors), SH_EINVAL);
			snprintf(want, sizeof(want), "%s:%s", path, exp[0]);
			assert_non_null(strstr(errors.data, want));
		}
		buf_release(&text);
		buf_release(&errors);
		free(names[i]);
	}
	free(names);
}

/* A header with this zone and a holiday file that does not exist is refused with want. */
static void calendar_refused(const char *zone, const char *want)
{
	char text[256];
	struct buf errors = BUF_INIT;
	struct protocol *p;
	struct tz *tz = NULL;
	struct sh_date *days = NULL;
	size_t n;
	bool has_days;

	snprintf(text, sizeof(text),
		 "protocol z\nversion 1\neffective 2026-01-01\ntimezone %s\nholidays "
		 "none.holidays\nstep a\n  title A\n  owner advocacy\n  due identified + 1bd\n",
		 zone);
	p = parse_ok(text);
	assert_int_equal(
		protocol_calendar_load(p, "x/z.protocol", &tz, &days, &n, &has_days, &errors),
		SH_EINVAL);
	if (!strstr(errors.data, want))
		fail_msg("expected %s, got %s", want, errors.data);
	assert_null(tz);
	assert_null(days);
	protocol_free(p);
	buf_release(&errors);
}

/* A file's own calendar ("timezone", "holidays"): loaded next to the file, checked with the
 * file's line; none declared: the county's (NULL). */
static void own_calendar(void **state)
{
	struct buf errors = BUF_INIT;
	struct protocol *p = NULL;
	struct tz *tz = NULL;
	struct sh_date *days = NULL, *want = NULL;
	size_t n = 0, nwant = 0;
	bool has_days = true;

	UNUSED(state);
	if (protocol_load_file(TX_FILE, &p, &errors) ||
	    protocol_calendar_load(p, TX_FILE, &tz, &days, &n, &has_days, &errors) ||
	    protocol_holidays_load("protocols/holidays/texas-state-2026.holidays", &want, &nwant,
				   &errors))
		fail_msg("%s", errors.data);
	assert_string_equal(protocol_timezone(p), "America/Chicago");
	assert_string_equal(tz_name(tz), "America/Chicago");
	assert_true(has_days);
	assert_int_equal(n, nwant);
	assert_memory_equal(days, want, n * sizeof(*days));
	tz_free(tz);
	free(days);
	/* without the file's path (a stored version no file is given for): the zone only */
	assert_int_equal(protocol_calendar_load(p, NULL, &tz, &days, &n, &has_days, &errors),
			 SH_OK);
	assert_non_null(tz);
	assert_false(has_days);
	assert_null(days);
	tz_free(tz);
	protocol_free(p);

	calendar_refused("America/Nowhere", "x/z.protocol:4: unknown time zone 'America/Nowhere'");
	calendar_refused("UTC", "x/z.protocol:5: the holiday file: x/none.holidays");
	/* the county's: nothing declared */
	p = parse_ok("protocol z\nversion 1\neffective 2026-01-01\nstep a\n  title A\n  owner "
		     "advocacy\n  due identified + 1bd\n");
	assert_int_equal(
		protocol_calendar_load(p, "x/z.protocol", &tz, &days, &n, &has_days, &errors),
		SH_OK);
	assert_null(protocol_timezone(p));
	assert_null(protocol_holidays_file(p));
	assert_null(tz);
	assert_false(has_days);
	protocol_free(p);
	free(want);
	buf_release(&errors);
}

static void good_corpus(void **state)
{
	static const char *const files[] = { LA_FILE,
					     LA2026_FILE,
					     "tests/protocols/good/features.protocol",
					     "tests/protocols/good/calendar.protocol",
					     "tests/protocols/good/witness.protocol",
					     TX_FILE };

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct buf errors = BUF_INIT;
		struct protocol *p = NULL;
		if (protocol_load_file(files[i], &p, &errors))
			fail_msg("%s", errors.data);
		protocol_free(p);
		buf_release(&errors);
	}
	protocol_free(NULL);
}

/* Witness items: each form of the due rule, hand-computed in Los Angeles across the end of
 * daylight saving (Sunday 2026-11-01). */
static void witness_item_deadlines(void **state)
{
	struct county_calendar c;
	struct buf errors = BUF_INIT;
	struct protocol *p = NULL;
	struct protocol_witness_facts f;
	int64_t due;

	UNUSED(state);
	calendar_load(&c, "America/Los_Angeles", NULL);
	if (protocol_load_file("tests/protocols/good/witness.protocol", &p, &errors))
		fail_msg("%s", errors.data);
	f = (struct protocol_witness_facts){ .tz = c.tz,
					     .listed_at =
						     at("2026-10-30T22:30:00Z"), /* Fri 15:30 */
					     .hearing_at =
						     at("2026-11-20T17:00:00Z"), /* Fri 9:00 */
					     .advocate_days = 2,
					     .notice_days = 3,
					     .review_days = 7 };
	f.hearing_known_at = f.listed_at;
	assert_int_equal(protocol_nwitness(p), 5);
	assert_null(protocol_witness(p, 5));
	assert_false(protocol_has_step(p, "advocate"));
	/* the end of Sunday, the day the clocks go back: 23:59:59 PST */
	assert_true(protocol_witness_due(protocol_witness_find(p, "advocate"), &f, &due));
	assert_int_equal(due, at("2026-11-02T07:59:59Z"));
	assert_string_equal(protocol_witness_find(p, "advocate")->co_owner, "prosecutor");
	assert_string_equal(protocol_witness_find(p, "advocate")->title_es, "Defensor asignado");
	/* ten days of elapsed time: 14:30 by the wall clock after the change */
	assert_true(protocol_witness_due(protocol_witness_find(p, "prep"), &f, &due));
	assert_int_equal(due, f.listed_at + 10 * DAY);
	assert_string_equal(protocol_witness_find(p, "prep")->owner, "prosecutor"); /* 'da' */
	/* no last motion day (a motion filed, or not eligible): no item */
	assert_false(protocol_witness_due(protocol_witness_find(p, "motion_day"), &f, &due));
	f.has_last_motion_day = true;
	f.last_motion_day = (struct sh_date){ 2026, 11, 15 };
	assert_true(protocol_witness_due(protocol_witness_find(p, "motion_day"), &f, &due));
	assert_int_equal(due, at("2026-11-15T07:59:59Z")); /* the end of Saturday 14 Nov, PST */
	/* three calendar days before the hearing's day, by its end */
	assert_true(protocol_witness_due(protocol_witness_find(p, "notice"), &f, &due));
	assert_int_equal(due, at("2026-11-18T07:59:59Z"));
	assert_true(protocol_witness_find(p, "notice")->when_eligible);
	assert_string_equal(protocol_witness_find(p, "notice")->done_by, "notice_served");
	/* five days before the hearing; set later than that: the end of the day it was set;
	 * set on the hearing's own day: the hearing itself */
	assert_true(protocol_witness_due(protocol_witness_find(p, "review"), &f, &due));
	assert_int_equal(due, f.hearing_at - 5 * DAY);
	f.hearing_known_at = at("2026-11-18T20:00:00Z");
	assert_true(protocol_witness_due(protocol_witness_find(p, "review"), &f, &due));
	assert_int_equal(due, at("2026-11-19T07:59:59Z"));
	f.hearing_known_at = at("2026-11-20T16:00:00Z");
	assert_true(protocol_witness_due(protocol_witness_find(p, "review"), &f, &due));
	assert_int_equal(due, f.hearing_at);
	/* without a zone, UTC days */
	f.tz = NULL;
	assert_true(protocol_witness_due(protocol_witness_find(p, "advocate"), &f, &due));
	assert_int_equal(due, at("2026-11-01T23:59:59Z"));
	/* the LA file declares the four items a witness brought before they were in the file */
	assert_int_equal(protocol_nwitness(la26), 4);
	assert_int_equal(protocol_nwitness(la), 0);
	assert_int_equal(protocol_witness_find(la26, "safety_plan_review")->anchor, PW_HEARING);
	protocol_free(p);
	buf_release(&errors);
	calendar_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(la_file_is_valid),
		cmocka_unit_test(la_dependent),
		cmocka_unit_test(la_probation_ward),
		cmocka_unit_test(la_both),
		cmocka_unit_test(la_neither_and_unknown),
		cmocka_unit_test(la_sart_exam_window),
		cmocka_unit_test(la_identified_by),
		cmocka_unit_test(la_missing_episode_and_return),
		cmocka_unit_test(la_two_missing_episodes),
		cmocka_unit_test(la_advocate_and_medical_deadlines),
		cmocka_unit_test(done_and_waived_events),
		cmocka_unit_test(deadline_boundaries),
		cmocka_unit_test(daylight_saving_does_not_move_deadlines),
		cmocka_unit_test(evaluate_output_size),
		cmocka_unit_test(la26_who_reports),
		cmocka_unit_test(la26_csec_indicators),
		cmocka_unit_test(la26_missing_from_care),
		cmocka_unit_test(la26_forensic_exams),
		cmocka_unit_test(la26_follow_up_windows),
		cmocka_unit_test(new_syntax),
		cmocka_unit_test(done_by_entries),
		cmocka_unit_test(features_file),
		cmocka_unit_test(text_details),
		cmocka_unit_test(collects_every_error),
		cmocka_unit_test(too_many_errors_stop),
		cmocka_unit_test(load_file_errors),
		cmocka_unit_test(business_days_over_a_holiday_weekend),
		cmocka_unit_test(times_of_day_across_daylight_saving),
		cmocka_unit_test(holiday_files),
		cmocka_unit_test(repeating_steps),
		cmocka_unit_test(outcome_branches),
		cmocka_unit_test(screening_gated_steps),
		cmocka_unit_test(tx_recovery_scenario),
		cmocka_unit_test(own_calendar),
		cmocka_unit_test(sf_mdt_scenario),
		cmocka_unit_test(wa_missing_scenario),
		cmocka_unit_test(shift_end_deadlines),
		cmocka_unit_test(found_and_in_custody_anchors),
		cmocka_unit_test(declared_kinds_co_owners_and_notify),
		cmocka_unit_test(episode_counts_age_and_screening),
		cmocka_unit_test(bad_corpus),
		cmocka_unit_test(good_corpus),
		cmocka_unit_test(witness_item_deadlines),
	};
	return cmocka_run_group_tests_name("protocol", tests, setup, teardown);
}
