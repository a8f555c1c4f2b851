#include "lib/common.h"
#include "api/principal.h"

bool principal_from_user(struct principal *p, const struct user_rec *u)
{
	int kind = access_kind_parse(u->agency_kind), role = access_role_parse(u->role);

	if (kind < 0 || role < 0)
		return false;
	memset(p, 0, sizeof(*p));
	p->user_id = u->id;
	p->agency_id = u->agency_id;
	p->username = u->username;
	p->display_name = u->display_name;
	p->agency_name = u->agency_name;
	p->kind = (enum agency_kind)kind;
	p->role = (enum role)role;
	return true;
}

json_t *principal_to_json(const struct principal *p)
{
	json_t *read = json_array(), *write = json_array();

	for (int s = 0; s < SEC_COUNT; s++) {
		enum access a = access_section(p->kind, p->role, (enum section)s);
		if (a >= ACCESS_READ)
			json_array_append_new(read,
					      json_string(access_section_name((enum section)s)));
		if (a >= ACCESS_WRITE)
			json_array_append_new(write,
					      json_string(access_section_name((enum section)s)));
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s, s:s}, s:{s:o, s:o, s:b, s:b}}", "id",
			 (json_int_t)p->user_id, "username", p->username, "display_name",
			 p->display_name, "role", access_role_name(p->role), "agency", "id",
			 (json_int_t)p->agency_id, "name", p->agency_name, "kind",
			 access_kind_name(p->kind), "may", "read", read, "write", write, "reports",
			 access_reports(p), "admin", access_admin(p));
}
