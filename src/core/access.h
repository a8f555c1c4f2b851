#ifndef SH_ACCESS_H
#define SH_ACCESS_H
/*
 * Who may see and write what (need to know). One table of (agency kind, role) x
 * section -> none / read / write, and the rules for which cases an agency sees.
 * Deny by default: anything not granted in the table is none. Routes declare who may
 * call them (api/permit.h) and every case handler opens its case through api/casefile.c;
 * both ask here; docs/security.md explains
 * each grant and the law behind it.
 */
#include <stdbool.h>
#include <stdint.h>

enum agency_kind {
	AK_LAW_ENFORCEMENT,
	AK_CHILD_WELFARE,
	AK_PROBATION,
	AK_ADVOCACY,
	AK_MEDICAL,
	AK_MENTAL_HEALTH,
	AK_PROSECUTOR,
	AK_SHELTER,
	AK_OVERSIGHT,
	AK_EDUCATION,	   /* the county office of education (WIC 16524.8) */
	AK_JUVENILE_COURT, /* the juvenile court (WIC 16524.8) */
	AK_COUNT
};
/* The kinds in words, for messages ("must be one of ..."); tests/unit/test_access.c checks it
 * names every kind of access.c's list, in order. */
#define ACCESS_KIND_HINT                                                                \
	"law_enforcement, child_welfare, probation, advocacy, medical, mental_health, " \
	"prosecutor, shelter, oversight, education or juvenile_court"

enum role { ROLE_MEMBER, ROLE_SUPERVISOR, ROLE_ANALYST, ROLE_ADMIN, ROLE_COUNT };

/* Compartments of case data (architecture.md). */
enum section {
	SEC_CORE,	     /* identification, steps, agencies taking part */
	SEC_LAW_ENFORCEMENT, /* investigation, arrests, exploiter information */
	SEC_ADVOCACY,	     /* privileged advocate-victim communications (Evid. Code 1038) */
	SEC_MEDICAL,	     /* sensitive health data: exams, sexual and mental health */
	SEC_PLACEMENT,	     /* where the youth is placed (setting, never the address) */
	SEC_COURT,	     /* hearings, witness status, safety plans */
	SEC_MISSING,	     /* missing-from-care episodes and their reports */
	SEC_PROSECUTION,     /* defendants and charges: law enforcement and prosecutor only */
	SEC_SERVICES,	     /* screening results and stability checks: those who serve the youth */
	SEC_STATE, /* the state's CSEC indicators (WIC 16501.45): child welfare documents them */
	SEC_COUNT
};

enum access { ACCESS_NONE = 0, ACCESS_READ = 1, ACCESS_WRITE = 2 };

/* The sections' names in enum order, NULL-terminated (a request's enum of sections). */
extern const char *const access_section_names[];

/* The people and agency behind a request, as established by http/auth.c. */
struct principal {
	int64_t user_id;
	int64_t agency_id;
	const char *username;
	const char *display_name;
	const char *agency_name;
	enum agency_kind kind;
	enum role role;
	bool via_session;     /* cookie (needs CSRF on writes) rather than a bearer token */
	int64_t token_id;     /* the bearer token, when not via_session; audited with each row */
	const char *session;  /* hash of the session id, when via_session */
	int64_t session_ends; /* when the session ends in any case (its absolute limit) */
	const char *csrf_token;
	/* a session whose sign-in is not finished: "code" (the TOTP code is owed) or "enrol"
	 * (a second factor must be set up first); NULL when signed in */
	const char *stage;
	const char *method; /* how the session was made: "password" or "oidc" */
};

/* Names as in contract.md; parse returns -1 for an unknown name. */
const char *access_kind_name(enum agency_kind k);
int access_kind_parse(const char *s);
const char *access_role_name(enum role r);
int access_role_parse(const char *s);
const char *access_section_name(enum section s);
int access_section_parse(const char *s);

/* The table. Out-of-range arguments get ACCESS_NONE. */
enum access access_section(enum agency_kind k, enum role r, enum section s);
static inline bool access_can_read(const struct principal *p, enum section s)
{
	return access_section(p->kind, p->role, s) >= ACCESS_READ;
}
static inline bool access_can_write(const struct principal *p, enum section s)
{
	return access_section(p->kind, p->role, s) >= ACCESS_WRITE;
}

/*
 * May this principal see the case at all? participating: the agency takes part
 * now; participated: it ever did. Members need current participation; supervisors
 * see every case their agency took part in; analysts and admins see no case content.
 */
bool access_case_visible(const struct principal *p, bool participating, bool participated);
/*
 * May this principal see a youth's name and birth date (on a case it may see)? Those who
 * read the case's core facts, unless the victim elected confidentiality (PC 293 / 293.5):
 * then only the case's law enforcement, child welfare, probation, advocacy, medical and
 * mental-health staff. Search by name (api/search.c) and initials in lists follow it too.
 */
bool access_sees_identity(const struct principal *p, bool name_confidential);
/* May this principal see aggregate reports? (analysts, supervisors, oversight) */
bool access_reports(const struct principal *p);
/* The internal Board report, small counts shown, is for county-wide roles (analysts,
 * oversight staff). An agency's supervisor gets the small-cell rule of the public release:
 * a count by area, agency or month could otherwise point at another agency's case. */
bool access_reports_internal(const struct principal *p);
/* The state's CSEC indicators by case number (an export for the state system): analysts
 * and child welfare's supervisors. */
bool access_reports_csec(const struct principal *p);
/* May this principal manage agencies, users and tokens? (admins) */
bool access_admin(const struct principal *p);

#endif
