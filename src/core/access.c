#include "lib/common.h"
#include "core/access.h"

static const char *const kind_names[] = {
	"law_enforcement", "child_welfare", "probation",      "advocacy",
	"medical",	   "mental_health", "prosecutor",     "shelter",
	"oversight",	   "education",	    "juvenile_court",
};
static const char *const role_names[] = { "member", "supervisor", "analyst", "admin" };
const char *const access_section_names[] = {
	"core",	   "law_enforcement", "advocacy", "medical", "placement", "court",
	"missing", "prosecution",     "services", "state",   NULL,
};
/* one name per kind, role and section: a new enum value without its name fails the build */
_Static_assert(ARRAY_SIZE(kind_names) == AK_COUNT, "a name for every agency kind");
_Static_assert(ARRAY_SIZE(role_names) == ROLE_COUNT, "a name for every role");
_Static_assert(ARRAY_SIZE(access_section_names) == SEC_COUNT + 1, "a name for every section");

#define N ACCESS_NONE
#define R ACCESS_READ
#define W ACCESS_WRITE

/*
 * Case staff (members and supervisors) by agency kind. Why each grant exists is in
 * docs/security.md. Analysts and admins are not in this table: they get none.
 */
static const unsigned char staff[AK_COUNT][SEC_COUNT] = {
	/*                   core le  adv med pla crt mis pros svc state */
	[AK_LAW_ENFORCEMENT] = { W, W, N, N, R, W, W, W, N, N },
	[AK_CHILD_WELFARE] = { W, R, N, N, W, R, W, N, W, W },
	[AK_PROBATION] = { W, R, N, N, W, R, W, N, W, N },
	[AK_ADVOCACY] = { W, N, W, N, R, W, W, N, W, N },
	[AK_MEDICAL] = { W, N, N, W, R, N, R, N, W, N },
	[AK_MENTAL_HEALTH] = { W, N, N, W, R, N, R, N, W, N },
	[AK_PROSECUTOR] = { R, R, N, N, N, W, N, W, N, N },
	[AK_SHELTER] = { R, N, N, N, R, N, W, N, R, N },
	[AK_OVERSIGHT] = { R, N, N, N, R, R, R, N, R, R },
	[AK_EDUCATION] = { W, N, N, N, R, N, N, N, N, N },
	[AK_JUVENILE_COURT] = { R, N, N, N, R, R, R, N, R, N },
};

#undef N
#undef R
#undef W

const char *access_kind_name(enum agency_kind k)
{
	return (unsigned)k < AK_COUNT ? kind_names[k] : "unknown";
}

int access_kind_parse(const char *s)
{
	return names_index(kind_names, AK_COUNT, s);
}

const char *access_role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

int access_role_parse(const char *s)
{
	return names_index(role_names, ROLE_COUNT, s);
}

const char *access_section_name(enum section s)
{
	return (unsigned)s < SEC_COUNT ? access_section_names[s] : "unknown";
}

int access_section_parse(const char *s)
{
	return names_index(access_section_names, SEC_COUNT, s);
}

enum access access_section(enum agency_kind k, enum role r, enum section s)
{
	if ((unsigned)k >= AK_COUNT || (unsigned)s >= SEC_COUNT)
		return ACCESS_NONE;
	if (r != ROLE_MEMBER && r != ROLE_SUPERVISOR)
		return ACCESS_NONE;
	return (enum access)staff[k][s];
}

bool access_case_visible(const struct principal *p, bool participating, bool participated)
{
	if (p->role == ROLE_MEMBER)
		return participating;
	if (p->role == ROLE_SUPERVISOR)
		return participating || participated;
	return false;
}

bool access_sees_identity(const struct principal *p, bool name_confidential)
{
	if (access_section(p->kind, p->role, SEC_CORE) < ACCESS_READ)
		return false;
	if (!name_confidential)
		return true;
	switch (p->kind) {
	case AK_LAW_ENFORCEMENT:
	case AK_CHILD_WELFARE:
	case AK_PROBATION:
	case AK_ADVOCACY:
	case AK_MEDICAL:
	case AK_MENTAL_HEALTH: return true;
	default: return false;
	}
}

bool access_reports(const struct principal *p)
{
	return p->role == ROLE_ANALYST || p->role == ROLE_SUPERVISOR ||
	       (p->kind == AK_OVERSIGHT && p->role != ROLE_ADMIN);
}

bool access_reports_internal(const struct principal *p)
{
	return p->role == ROLE_ANALYST || (p->kind == AK_OVERSIGHT && p->role != ROLE_ADMIN);
}

bool access_reports_csec(const struct principal *p)
{
	return p->role == ROLE_ANALYST ||
	       (p->kind == AK_CHILD_WELFARE && p->role == ROLE_SUPERVISOR);
}

bool access_admin(const struct principal *p)
{
	return p->role == ROLE_ADMIN;
}
