/* Written once for every backend: the youths the search index lacks, the PC 293 election,
 * each agency's named worker on a case, saved preferences (store/query.h). */
#include "lib/common.h"
#include "store/query.h"

#define STORE_BACKEND sql
#include "store/backend.h"

#define SQ_REC struct youth_index_rec
static const struct sq_col youth_unindexed_cols[] = { SQ_C(id), SQ_B(identity, identity_len),
						      SQ_B(youth_key, youth_key_len) };
static const struct sq_query youth_unindexed =
	SQ_QUERY("SELECT y.id, y.identity, yk.wrapped FROM youth y"
		 " LEFT JOIN youth_keys yk ON yk.youth_id = y.id"
		 " WHERE y.search_key <> ?1 AND y.sealed_at = 0 ORDER BY y.id LIMIT ?2",
		 youth_unindexed_cols);
#undef SQ_REC

enum sh_code sql_youth_unindexed(struct store_conn *c, int64_t key_id, int limit, struct arena *a,
				 struct youth_index_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &youth_unindexed, a, out, n, SQ_VALS(sq_int(key_id), sq_int(limit)),
			err);
}

#define SQ_REC struct sealed_rec
static const struct sq_col youth_verified_births_cols[] = { SQ_C(id), SQ_B(blob, len) };
static const struct sq_query youth_verified_births =
	SQ_QUERY("SELECT e.id, e.sealed FROM events e JOIN cases k ON k.id = e.case_id"
		 " WHERE k.youth_id = ?1 AND e.type = 'birth_date_verified'"
		 " AND e.sealed IS NOT NULL ORDER BY e.id",
		 youth_verified_births_cols);
#undef SQ_REC

enum sh_code sql_youth_verified_births(struct store_conn *c, int64_t youth_id, struct arena *a,
				       struct sealed_rec **out, size_t *n, struct sh_error *err)
{
	return sql_rows(c, &youth_verified_births, a, out, n, SQ_VALS(sq_int(youth_id)), err);
}

enum sh_code sql_case_set_confidential(struct store_conn *c, const char *case_id, bool confidential,
				       struct sh_error *err)
{
	static const char sql[] = "UPDATE cases SET name_confidential = ?2 WHERE id = ?1";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_text(case_id), sq_int(confidential)), err);
}

enum sh_code sql_case_worker_get(struct store_conn *c, const char *case_id, int64_t agency_id,
				 int64_t *user_id, struct sh_error *err)
{
	static const char sql[] = "SELECT user_id FROM case_workers WHERE case_id = ?1"
				  " AND agency_id = ?2";

	return sql_value(c, sql, user_id, SQ_VALS(sq_text(case_id), sq_int(agency_id)), err);
}

enum sh_code sql_case_worker_set(struct store_conn *c, const char *case_id, int64_t agency_id,
				 int64_t user_id, int64_t at, int64_t event_id,
				 struct sh_error *err)
{
	static const char put[] =
		"INSERT INTO case_workers(case_id, agency_id, user_id, assigned_at, event_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(case_id, agency_id) DO UPDATE SET"
		" user_id = excluded.user_id, assigned_at = excluded.assigned_at,"
		" event_id = excluded.event_id";
	static const char del[] = "DELETE FROM case_workers WHERE case_id = ?1 AND agency_id = ?2";

	if (!user_id)
		return sql_write(c, del, NULL, NULL, SQ_VALS(sq_text(case_id), sq_int(agency_id)),
				 err);
	return sql_write(c, put, NULL, NULL,
			 SQ_VALS(sq_text(case_id), sq_int(agency_id), sq_int(user_id), sq_int(at),
				 sq_int(event_id)),
			 err);
}

enum sh_code sql_case_worker_drop(struct store_conn *c, int64_t user_id, int64_t agency_id,
				  struct sh_error *err)
{
	static const char sql[] = "DELETE FROM case_workers WHERE user_id = ?1 AND agency_id = ?2";

	return sql_write(c, sql, NULL, NULL, SQ_VALS(sq_int(user_id), sq_int(agency_id)), err);
}

enum sh_code sql_pref_get(struct store_conn *c, int64_t user_id, const char *key, struct arena *a,
			  char **value, struct sh_error *err)
{
	static const char sql[] = "SELECT value FROM user_prefs WHERE user_id = ?1 AND key = ?2";

	return sql_text_value(c, sql, a, value, SQ_VALS(sq_int(user_id), sq_text(key)), err);
}

enum sh_code sql_pref_set(struct store_conn *c, int64_t user_id, const char *key, const char *value,
			  int64_t at, struct sh_error *err)
{
	static const char put[] = "INSERT INTO user_prefs(user_id, key, value, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user_id, key) DO UPDATE SET"
				  " value = excluded.value, updated_at = excluded.updated_at";
	static const char del[] = "DELETE FROM user_prefs WHERE user_id = ?1 AND key = ?2";

	if (!value)
		return sql_write(c, del, NULL, NULL, SQ_VALS(sq_int(user_id), sq_text(key)), err);
	return sql_write(c, put, NULL, NULL,
			 SQ_VALS(sq_int(user_id), sq_text(key), sq_text(value), sq_int(at)), err);
}
