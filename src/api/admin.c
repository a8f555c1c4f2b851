#include "lib/common.h"
#include "api/admin.h"
#include "api/audit.h"
#include "api/county.h"
#include "core/password.h"
#include "lib/jsonh.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"

struct op {
	const struct principal *actor;
	int64_t now;
	const char *action;
	char detail[96];
	struct agency_rec *agency;
	struct user_rec *user;
	struct token_rec *token;
	int64_t id;
	bool flag;
	const char *hash;
	const char *notice; /* the notice kind this operation announces; NULL: none */
	char notice_detail[200];
	int64_t days; /* an account disabled for its inactivity: how long */
};

static enum sh_code read_one(struct store *s, bool agency, int64_t id, const char *name,
			     struct arena *a, void *out, struct sh_error *err)
{
	struct store_conn *c;
	enum sh_code rc = store_read_begin(s, &c, err);

	if (rc)
		return rc;
	rc = agency ? store_agency_get(c, id, name, a, out, err)
		    : store_user_get(c, id, name, a, out, err);
	store_read_end(c);
	return rc;
}

enum sh_code admin_agency_read(struct store *s, int64_t id, const char *name, struct arena *a,
			       struct agency_rec *out, struct sh_error *err)
{
	return read_one(s, true, id, name, a, out, err);
}

enum sh_code admin_user_read(struct store *s, int64_t id, const char *name, struct arena *a,
			     struct user_rec *out, struct sh_error *err)
{
	return read_one(s, false, id, name, a, out, err);
}

static bool name_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

static void check_text(const char *field, const char *s, size_t min, size_t max, bool required,
		       struct sh_error *err)
{
	size_t n;

	if (!s || !*s) {
		if (required)
			sh_error_field(err, SH_EINVAL, field, "is required");
		return;
	}
	n = jsonh_utf8_len(s);
	if (n < min || n > max)
		sh_error_field(err, SH_EINVAL, field, "must be %zu to %zu characters", min, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			sh_error_field(err, SH_EINVAL, field,
				       "must not contain control characters");
			break;
		}
}

static void check_area(const char *field, const char *area, struct sh_error *err)
{
	if (!area || !*area || strlen(area) > 64 || !name_chars(area, "_-*"))
		sh_error_field(
			err, SH_EINVAL, field,
			"an area is 1 to 64 lowercase letters, digits, '_' or '-' (or '*' for all)");
}

/* The agency's name (for the password rules); NULL when unknown, allocated from a. */
static const char *agency_name(struct store *s, int64_t id, struct arena *a)
{
	struct sh_error ignored = SH_ERROR_INIT;
	struct store_conn *c;
	struct agency_rec ag;
	const char *name = NULL;

	if (store_read_begin(s, &c, &ignored))
		return NULL;
	if (!store_agency_get(c, id, NULL, a, &ag, &ignored))
		name = ag.name;
	store_read_end(c);
	return name;
}

enum sh_code admin_notice(struct store_conn *c, const struct principal *actor, int64_t now,
			  const struct user_rec *u, int64_t agency_id, const char *kind,
			  const char *detail, struct sh_error *err)
{
	struct notice_rec n = { 0 };

	n.agency_id = agency_id ? agency_id : u->agency_id;
	n.kind = kind;
	n.subject_id = u->id;
	n.actor_id = actor == ADMIN_SYSTEM ? ADMIN_SYSTEM_ID : actor ? actor->user_id : 0;
	n.detail = detail;
	n.created_at = now;
	return store_notice_insert(c, &n, err);
}

/* Announces o->notice about user u to u's agency (its supervisors and u see it). */
static enum sh_code announce(struct store_conn *c, struct op *o, const struct user_rec *u,
			     struct sh_error *err)
{
	return admin_notice(c, o->actor, o->now, u, 0, o->notice, o->notice_detail, err);
}

/* Who did it, in a notice's words. */
static const char *by_whom(const struct op *o)
{
	return o->actor == ADMIN_SYSTEM ? "safeharbor"
	       : o->actor		? "an admin"
					: "the operator (command line)";
}

static enum sh_code audited(struct store_conn *c, struct op *o, enum sh_code rc,
			    struct sh_error *err)
{
	if (rc)
		return rc;
	return audit_record(c, o->actor == ADMIN_SYSTEM ? NULL : o->actor, o->now, o->action, NULL,
			    NULL, "ok", o->detail[0] ? o->detail : NULL, err);
}

/* The change o (o->id the record's id) written by fn, audited with the detail "what ID". */
static enum sh_code write_on(struct store *s, store_write_fn fn, struct op *o, const char *what,
			     struct sh_error *err)
{
	snprintf(o->detail, sizeof(o->detail), "%s %" PRId64, what, o->id);
	return store_write(s, fn, o, err);
}

/* Disables or enables the agency or user id (what) with fn, audited as what.disable or
 * what.enable. */
static enum sh_code set_disabled(struct store *s, store_write_fn fn, const char *what, int64_t now,
				 const struct principal *actor, int64_t id, bool disabled,
				 struct sh_error *err)
{
	char action[32];
	struct op o = { .actor = actor, .now = now, .id = id, .flag = disabled, .action = action };

	snprintf(action, sizeof(action), "%s.%s", what, disabled ? "disable" : "enable");
	return write_on(s, fn, &o, what, err);
}

static enum sh_code do_agency_add(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	enum sh_code rc = store_agency_insert(c, o->agency, err);

	snprintf(o->detail, sizeof(o->detail), "agency %" PRId64, o->agency->id);
	return audited(c, o, rc, err);
}

enum sh_code admin_agency_add(struct store *s, int64_t now, const struct principal *actor,
			      struct agency_rec *r, struct sh_error *err)
{
	struct op o = { .actor = actor, .now = now, .action = "agency.create", .agency = r };

	check_text("name", r->name, 1, 100, true, err);
	if (access_kind_parse(r->kind) < 0)
		sh_error_field(err, SH_EINVAL, "kind", "must be one of: %s", ACCESS_KIND_HINT);
	if (r->home_area)
		check_area("home_area", r->home_area, err);
	for (const char **a = r->areas; a && *a; a++)
		check_area("areas", *a, err);
	if (err->nfields)
		return SH_EINVAL;
	r->created_at = now;
	r->password_signin = true;
	return store_write(s, do_agency_add, &o, err);
}

static enum sh_code do_agency_disable(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;

	return audited(c, o, store_agency_set_disabled(c, o->id, o->flag, err), err);
}

enum sh_code admin_agency_disable(struct store *s, int64_t now, const struct principal *actor,
				  int64_t id, bool disabled, struct sh_error *err)
{
	return set_disabled(s, do_agency_disable, "agency", now, actor, id, disabled, err);
}

static enum sh_code do_user_add(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	struct agency_rec ag;
	struct arena a = ARENA_INIT;
	enum sh_code rc = store_agency_get(c, o->user->agency_id, NULL, &a, &ag, err);

	arena_release(&a);
	if (rc == SH_ENOTFOUND)
		return sh_error_field(err, SH_EINVAL, "agency", "no such agency");
	if (!rc)
		rc = store_user_insert(c, o->user, err);
	snprintf(o->detail, sizeof(o->detail), "user %" PRId64 " role %s", o->user->id,
		 o->user->role);
	/* a supervisor or admin account reads or manages more than a member's: its agency's
	 * supervisors hear of it */
	if (!rc && (!strcmp(o->user->role, "supervisor") || !strcmp(o->user->role, "admin"))) {
		o->notice = "privileged_account";
		snprintf(o->notice_detail, sizeof(o->notice_detail), "a %s account was made by %s",
			 o->user->role, by_whom(o));
		rc = announce(c, o, o->user, err);
	}
	return audited(c, o, rc, err);
}

enum sh_code admin_user_add(struct store *s, int64_t now, const struct principal *actor,
			    struct user_rec *r, const char *password, struct sh_error *err)
{
	struct op o = { .actor = actor, .now = now, .action = "user.create", .user = r };
	char hash[128];
	enum sh_code rc;

	if (!r->username || strlen(r->username) < 2 || strlen(r->username) > 64 ||
	    !name_chars(r->username, "._-"))
		sh_error_field(err, SH_EINVAL, "username",
			       "must be 2 to 64 lowercase letters, digits, '.', '_' or '-'");
	if (access_role_parse(r->role) < 0)
		sh_error_field(err, SH_EINVAL, "role",
			       "must be one of: member, supervisor, analyst, admin");
	check_text("display_name", r->display_name, 1, 100, true, err);
	check_text("contact", r->contact, 1, 100, false, err);
	check_text("sso_id", r->sso_id, 1, 200, false, err);
	{
		struct arena a = ARENA_INIT;
		password_check("password", password, r->username, agency_name(s, r->agency_id, &a),
			       err);
		arena_release(&a);
	}
	if (err->nfields)
		return SH_EINVAL;
	if ((rc = shcrypto_password_hash(password, hash, err)))
		return rc;
	r->password_hash = hash;
	r->created_at = now;
	return store_write(s, do_user_add, &o, err);
}

static enum sh_code do_user_disable(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	struct user_rec u;
	struct arena a = ARENA_INIT;
	enum sh_code rc = store_user_set_disabled(c, o->id, o->flag, o->now, err);

	/* the agency that owns the account sees every change made to it */
	if (!rc && !(rc = store_user_get(c, o->id, NULL, &a, &u, err))) {
		o->notice = o->flag ? "disabled" : "enabled";
		snprintf(o->notice_detail, sizeof(o->notice_detail), "%s by %s%s",
			 o->flag ? "the account was disabled" : "the account was enabled",
			 by_whom(o), o->flag ? "; sessions and tokens ended" : "");
		if (o->actor == ADMIN_SYSTEM)
			snprintf(o->notice_detail, sizeof(o->notice_detail),
				 "the account was disabled after %" PRId64
				 " days without use; sessions "
				 "and tokens ended (an admin can enable it)",
				 o->days);
		rc = announce(c, o, &u, err);
	}
	arena_release(&a);
	return audited(c, o, rc, err);
}

enum sh_code admin_user_disable(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, bool disabled, struct sh_error *err)
{
	return set_disabled(s, do_user_disable, "user", now, actor, id, disabled, err);
}

static enum sh_code do_user_password(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	struct user_rec u;
	struct arena a = ARENA_INIT;
	enum sh_code rc = store_user_set_password(c, o->id, o->hash, o->now, err);

	/* someone who sets another person's password can sign in as them: announced */
	if (!rc && !(rc = store_user_get(c, o->id, NULL, &a, &u, err)) &&
	    (!o->actor || o->actor->user_id != u.id)) {
		o->notice = "password_reset";
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "the password was reset by %s; sessions and tokens ended", by_whom(o));
		rc = announce(c, o, &u, err);
	}
	arena_release(&a);
	return audited(c, o, rc, err);
}

enum sh_code admin_user_password(struct store *s, int64_t now, const struct principal *actor,
				 int64_t id, const char *password, struct sh_error *err)
{
	struct op o = { .actor = actor, .now = now, .id = id, .action = "user.password" };
	struct store_conn *c;
	struct user_rec u;
	struct arena a = ARENA_INIT;
	char hash[128];
	enum sh_code rc;

	/* the rules need the user's name and agency */
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_user_get(c, id, NULL, &a, &u, err);
	store_read_end(c);
	if (!rc)
		rc = password_check("password", password, u.username, u.agency_name, err);
	arena_release(&a);
	if (rc)
		return rc;
	if ((rc = shcrypto_password_hash(password, hash, err)))
		return rc;
	o.hash = hash;
	return write_on(s, do_user_password, &o, "user", err);
}

struct change {
	struct op o;
	int64_t id;
	const struct admin_agency_change *agency;
	const struct admin_user_change *user;
};

static enum sh_code do_agency_update(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct change *x = arg;
	struct arena a = ARENA_INIT;
	struct agency_rec r;
	enum sh_code rc = store_agency_get(c, x->id, NULL, &a, &r, err);

	if (!rc) {
		if (x->agency->name)
			r.name = x->agency->name;
		if (x->agency->set_home_area)
			r.home_area = x->agency->home_area;
		if (x->agency->areas)
			r.areas = x->agency->areas;
		rc = store_agency_update(c, &r, err);
	}
	arena_release(&a);
	return audited(c, &x->o, rc, err);
}

enum sh_code admin_agency_update(struct store *s, int64_t now, const struct principal *actor,
				 int64_t id, const struct admin_agency_change *ch,
				 struct sh_error *err)
{
	struct change x = { .o = { .actor = actor, .now = now, .action = "agency.update" },
			    .id = id,
			    .agency = ch };

	if (ch->name)
		check_text("name", ch->name, 1, 100, true, err);
	if (ch->set_home_area && ch->home_area)
		check_area("home_area", ch->home_area, err);
	for (const char **a = ch->areas; a && *a; a++)
		check_area("areas", *a, err);
	if (err->nfields)
		return SH_EINVAL;
	snprintf(x.o.detail, sizeof(x.o.detail), "agency %" PRId64 "%s%s%s", id,
		 ch->name ? " name" : "", ch->set_home_area ? " home area" : "",
		 ch->areas ? " areas" : "");
	return store_write(s, do_agency_update, &x, err);
}

static enum sh_code do_user_update(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct change *x = arg;
	struct op *o = &x->o;
	const struct admin_user_change *ch = x->user;
	struct arena a = ARENA_INIT;
	struct user_rec u, next;
	struct agency_rec ag;
	struct roster_rec *shifts;
	size_t nshifts, on = 0, n;
	bool moved, new_role, promoted;
	enum sh_code rc;

	if ((rc = store_user_get(c, x->id, NULL, &a, &u, err)))
		goto out;
	next = u;
	if (ch->agency_id)
		next.agency_id = ch->agency_id;
	if (ch->role)
		next.role = ch->role;
	if (ch->display_name)
		next.display_name = ch->display_name;
	if (ch->set_contact)
		next.contact = ch->contact;
	moved = next.agency_id != u.agency_id;
	new_role = strcmp(next.role, u.role) != 0;
	if (moved) {
		rc = store_agency_get(c, next.agency_id, NULL, &a, &ag, err);
		if (rc == SH_ENOTFOUND || (!rc && ag.disabled)) {
			sh_error_init(err);
			rc = sh_error_field(err, SH_EINVAL, "agency_id",
					    "no such agency, or it is disabled");
		}
		if (rc)
			goto out;
	}
	if (moved || new_role) {
		/* someone on a shift is summoned for their agency: the shifts end first */
		if ((rc = store_roster_list(c, u.agency_id, NULL, o->now, 0, &a, &shifts, &nshifts,
					    err)))
			goto out;
		for (size_t i = 0; i < nshifts; i++)
			on += shifts[i].user_id == u.id || shifts[i].fallback_id == u.id ||
			      shifts[i].supervisor_id == u.id;
		if (on) {
			rc = sh_error_field(
				err, SH_ECONFLICT, moved ? "agency_id" : "role",
				on == 1 ? "%s is on %zu shift of the agency's on-call roster now or "
					  "ahead: end it first (the On call screen)"
					: "%s is on %zu shifts of the agency's on-call roster now or "
					  "ahead: end them first (the On call screen)",
				u.display_name, on);
			goto out;
		}
	}
	if ((rc = store_user_update(c, &next, err)))
		goto out;
	n = (size_t)snprintf(o->detail, sizeof(o->detail), "user %" PRId64, u.id);
	if (moved || new_role) {
		/* the person signs in again into what they may now do */
		if ((rc = store_user_revoke_access(c, u.id, o->now, err)))
			goto out;
		if ((moved || (strcmp(next.role, "member") && strcmp(next.role, "supervisor"))) &&
		    (rc = store_case_worker_drop(c, u.id, u.agency_id, err)))
			goto out;
	}
	if (new_role) {
		n += (size_t)snprintf(o->detail + n, sizeof(o->detail) - n, " role %s->%s", u.role,
				      next.role);
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "the role was changed from %s to %s by %s; sessions and tokens ended",
			 u.role, next.role, by_whom(o));
		if ((rc = admin_notice(c, o->actor, o->now, &u, next.agency_id, "role_changed",
				       o->notice_detail, err)))
			goto out;
	}
	if (moved) {
		if (n < sizeof(o->detail))
			n += (size_t)snprintf(o->detail + n, sizeof(o->detail) - n,
					      " agency %" PRId64 "->%" PRId64, u.agency_id,
					      next.agency_id);
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "moved from %s to %s by %s; sessions and tokens ended", u.agency_name,
			 ag.name, by_whom(o));
		/* both agencies hear of it: the one it left and the one it joined */
		if ((rc = admin_notice(c, o->actor, o->now, &u, u.agency_id, "agency_changed",
				       o->notice_detail, err)) ||
		    (rc = admin_notice(c, o->actor, o->now, &u, next.agency_id, "agency_changed",
				       o->notice_detail, err)))
			goto out;
	}
	promoted = new_role && (!strcmp(next.role, "supervisor") || !strcmp(next.role, "admin"));
	if (promoted) {
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "the account became a %s account, by %s", next.role, by_whom(o));
		if ((rc = admin_notice(c, o->actor, o->now, &u, next.agency_id,
				       "privileged_account", o->notice_detail, err)))
			goto out;
	}
	if ((ch->display_name || ch->set_contact) && n < sizeof(o->detail))
		n += (size_t)snprintf(o->detail + n, sizeof(o->detail) - n, " details");
	if (ch->set_sso) {
		if ((rc = store_user_set_sso(c, u.id, ch->sso_id, err)))
			goto out;
		if (n < sizeof(o->detail))
			snprintf(o->detail + n, sizeof(o->detail) - n, " sso_id %s",
				 ch->sso_id ? "set" : "removed");
		/* whoever links an account to a provider identity can sign in as that identity */
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 ch->sso_id ? "the account was linked to a county account by %s"
				    : "the account's link to a county account was removed by %s",
			 by_whom(o));
		rc = admin_notice(c, o->actor, o->now, &u, next.agency_id, "sso_linked",
				  o->notice_detail, err);
	}
out:
	arena_release(&a);
	return audited(c, o, rc, err);
}

enum sh_code admin_user_update(struct store *s, int64_t now, const struct principal *actor,
			       int64_t id, const struct admin_user_change *ch, struct sh_error *err)
{
	struct change x = { .o = { .actor = actor, .now = now, .action = "user.update" },
			    .id = id,
			    .user = ch };

	/* an admin cannot raise, lower or move their own account: another admin must */
	if (actor && actor != ADMIN_SYSTEM && actor->user_id == id && (ch->role || ch->agency_id))
		return sh_error_field(err, SH_EFORBIDDEN, ch->role ? "role" : "agency_id",
				      "nobody changes their own role or agency: another admin can");
	if (ch->role && access_role_parse(ch->role) < 0)
		sh_error_field(err, SH_EINVAL, "role",
			       "must be one of: member, supervisor, analyst, admin");
	if (ch->display_name)
		check_text("display_name", ch->display_name, 1, 100, true, err);
	if (ch->set_contact && ch->contact)
		check_text("contact", ch->contact, 1, 100, false, err);
	if (ch->set_sso && ch->sso_id)
		check_text("sso_id", ch->sso_id, 1, 200, true, err);
	if (!ch->role && !ch->agency_id && !ch->display_name && !ch->set_contact && !ch->set_sso)
		sh_error_field(err, SH_EINVAL, "role",
			       "give what to change: role, agency_id, display_name, contact or "
			       "sso_id");
	if (err->nfields)
		return SH_EINVAL;
	return store_write(s, do_user_update, &x, err);
}

static enum sh_code do_token_create(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	struct user_rec u;
	struct arena a = ARENA_INIT;
	char until[TIMEFMT_RFC3339_LEN];
	enum sh_code rc = store_user_get(c, o->token->user_id, NULL, &a, &u, err);

	if (!rc && (u.disabled || u.agency_disabled))
		rc = sh_error_field(err, SH_EINVAL, "username", "the user is disabled");
	if (!rc)
		rc = store_token_insert(c, o->token, err);
	timefmt_format_rfc3339(o->token->expires_at, until);
	snprintf(o->detail, sizeof(o->detail),
		 "token %" PRId64 " for user %" PRId64 ", scope %s, until %s", o->token->id,
		 o->token->user_id, o->token->scope, until);
	/* a bearer token acts as its user: the user's agency hears of every one made */
	if (!rc) {
		o->notice = "token_created";
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "a bearer token (scope %s, until %s) was made by %s", o->token->scope,
			 until,
			 !o->actor		     ? "the operator (command line)"
			 : o->actor->user_id == u.id ? "the user"
						     : "another user");
		rc = announce(c, o, &u, err);
	}
	arena_release(&a);
	return audited(c, o, rc, err);
}

/* "30d", "12h", "2w" (1 to 366 days) or YYYY-MM-DD (its start, UTC) into *out. */
static enum sh_code parse_expiry(const char *s, int64_t now, int64_t *out, struct sh_error *err)
{
	struct sh_date d;
	char *end;
	long v;

	if (!s) {
		*out = now + ADMIN_TOKEN_DEFAULT_S;
		return SH_OK;
	}
	if (!timefmt_parse_date(s, &d)) {
		*out = timefmt_date_to_time(d);
	} else {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || v < 1 || v > 366 * 24 || end[1] ||
		    (*end != 'd' && *end != 'h' && *end != 'w'))
			goto bad;
		*out = now + v * (*end == 'h' ? 3600 : *end == 'd' ? 86400 : 7 * 86400);
	}
	if (*out <= now || *out > now + ADMIN_TOKEN_MAX_S)
		goto bad;
	return SH_OK;
bad:
	return sh_error_field(err, SH_EINVAL, "expires",
			      "must be a duration such as 30d, 12h or 2w, or a date YYYY-MM-DD, "
			      "within the next 366 days");
}

enum sh_code admin_token_create(struct store *s, int64_t now, const struct principal *actor,
				int64_t user_id, const struct admin_token_spec *spec,
				char out[ADMIN_TOKEN_LEN], int64_t *expires_at,
				struct sh_error *err)
{
	struct token_rec t = { .user_id = user_id,
			       .label = spec->label,
			       .created_at = now,
			       .scope = spec->scope ? spec->scope : "write",
			       .created_by = actor ? actor->user_id : 0 };
	struct op o = { .actor = actor, .now = now, .action = "token.create", .token = &t };
	char hash[65];
	enum sh_code rc;

	if (spec->label)
		check_text("label", spec->label, 1, 100, false, err);
	if (strcmp(t.scope, "read") && strcmp(t.scope, "write") && strcmp(t.scope, "report"))
		sh_error_field(err, SH_EINVAL, "scope",
			       "must be read (GET only), write (everything the role allows) or "
			       "report (the report endpoints only)");
	parse_expiry(spec->expires, now, &t.expires_at, err);
	if (err->nfields)
		return SH_EINVAL;
	memcpy(out, "sh_", 3);
	shcrypto_random_hex(out + 3, 32);
	shcrypto_hash_hex(out, strlen(out), hash);
	t.hash = hash;
	rc = store_write(s, do_token_create, &o, err);
	if (rc)
		memset(out, 0, ADMIN_TOKEN_LEN);
	else if (expires_at)
		*expires_at = t.expires_at;
	return rc;
}

static enum sh_code do_token_revoke(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;

	return audited(c, o, store_token_revoke(c, o->id, o->now, err), err);
}

enum sh_code admin_token_revoke(struct store *s, int64_t now, const struct principal *actor,
				int64_t id, struct sh_error *err)
{
	struct op o = { .actor = actor, .now = now, .id = id, .action = "token.revoke" };

	return write_on(s, do_token_revoke, &o, "token", err);
}

/* ---- the account lifecycle and the second factor (issue 19) ---- */

static enum sh_code do_totp_reset(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;
	struct user_rec u;
	struct arena a = ARENA_INIT;
	enum sh_code rc = store_user_get(c, o->id, NULL, &a, &u, err);

	if (!rc && !u.totp_secret)
		rc = sh_error_set(err, SH_ECONFLICT, "this account has no second factor to reset");
	if (!rc)
		rc = store_user_totp_set(c, u.id, NULL, 0, 0, err);
	if (!rc)
		rc = store_user_revoke_access(c, u.id, o->now, err);
	if (!rc) {
		o->notice = "factor_reset";
		snprintf(o->notice_detail, sizeof(o->notice_detail),
			 "the second factor was reset by %s; sessions and tokens ended; a new "
			 "authenticator app "
			 "is set up at the next sign-in",
			 by_whom(o));
		rc = announce(c, o, &u, err);
	}
	arena_release(&a);
	return audited(c, o, rc, err);
}

enum sh_code admin_user_totp_reset(struct store *s, int64_t now, const struct principal *actor,
				   int64_t id, struct sh_error *err)
{
	struct op o = { .actor = actor, .now = now, .id = id, .action = "user.factor_reset" };

	return write_on(s, do_totp_reset, &o, "user", err);
}

static enum sh_code do_password_signin(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct op *o = arg;

	return audited(c, o, store_agency_set_password_signin(c, o->id, o->flag, err), err);
}

enum sh_code admin_agency_password_signin(struct store *s, int64_t now,
					  const struct principal *actor, int64_t id, bool allowed,
					  struct sh_error *err)
{
	struct op o = { .actor = actor,
			.now = now,
			.id = id,
			.flag = allowed,
			.action = "agency.password_signin" };
	struct county county;
	bool oidc;

	/* with no county account to sign in with, its staff could not sign in at all */
	if (!allowed) {
		if (county_settings_load(s, &county, err))
			return err->code;
		oidc = county_oidc_configured(&county);
		county_release(&county);
		if (!oidc)
			return sh_error_field(
				err, SH_EINVAL, "password",
				"may be switched off only when the county's identity "
				"provider is set up (the oidc.issuer and oidc.client_id "
				"settings)");
	}
	snprintf(o.detail, sizeof(o.detail), "agency %" PRId64 " local passwords %s", id,
		 allowed ? "on" : "off");
	return store_write(s, do_password_signin, &o, err);
}

enum sh_code admin_disable_inactive(struct store *s, int64_t now, int days, int *disabled,
				    struct sh_error *err)
{
	struct store_conn *c;
	struct user_rec *list, *all;
	struct arena a = ARENA_INIT;
	size_t n = 0, nall = 0, admins = 0;
	enum sh_code rc;

	*disabled = 0;
	if (days <= 0)
		return SH_OK;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_users_inactive(c, now - (int64_t)days * 86400, &a, &list, &n, err);
	if (!rc)
		rc = store_user_list(c, 0, &a, &all, &nall, err);
	store_read_end(c);
	for (size_t i = 0; !rc && i < nall; i++)
		admins += !all[i].disabled && !strcmp(all[i].role, "admin");
	for (size_t i = 0; !rc && i < n; i++) {
		struct op o = { .actor = ADMIN_SYSTEM,
				.now = now,
				.id = list[i].id,
				.flag = true,
				.action = "user.disable",
				.days = days };
		bool admin = !strcmp(list[i].role, "admin");

		/* the last admin stays: nobody else could enable an account again over the API */
		if (admin && admins <= 1)
			continue;
		snprintf(o.detail, sizeof(o.detail), "user %" PRId64 " unused for %d days",
			 list[i].id, days);
		if (!(rc = store_write(s, do_user_disable, &o, err))) {
			(*disabled)++;
			admins -= admin;
		}
	}
	arena_release(&a);
	return rc;
}
