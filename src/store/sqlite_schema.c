/*
 * The SQLite schema as numbered migrations. Migration N takes a database from
 * user_version N-1 to N in one transaction. Never edit a migration that has
 * shipped: add the next one.
 */
#include "lib/common.h"
#include "store/sqlite_schema.h"

/* a stability_events row from event `e` (a data text that is not JSON gives NULL fields
 * rather than refusing the event) and its case c */
#define SE_FIELD(e, type, expr) \
	"CASE WHEN " e ".type = '" type "' AND json_valid(" e ".data) THEN " expr " END"
#define STABILITY_EVENTS_INSERT(e, from_where)                                                                                       \
	"INSERT INTO stability_events(event_id, case_id, youth_id, type, at, stable,"                                                \
	" safe_placement, engaged, detained) SELECT " e ".id, " e ".case_id, c.youth_id, " e                                         \
	".type, " e                                                                                                                  \
	".at, " SE_FIELD(e, "stability_check", "json_extract(" e ".data, '$.stable')") ", " SE_FIELD(                                \
		e, "stability_check",                                                                                                \
		"json_extract(" e                                                                                                    \
		".data, '$.safe_placement')") ", " SE_FIELD(e, "stability_check",                                                    \
							    "json_extract(" e                                                        \
							    ".data, '$.engaged')") ", " SE_FIELD(e,                                  \
												 "placement",                        \
												 "json_extract(" e                   \
												 ".data, '$.setting') = 'detention'" \
												 " OR coalesce(json_extract(" e      \
												 ".data, '$.detention'), 0) = 1") " " from_where

static const char *const migrations[] = {
	/* 1: configuration and the audit chain */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  agency_id INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  case_id TEXT,"
	"  section TEXT,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	") STRICT;"
	"CREATE INDEX audit_case ON audit(case_id, seq) WHERE case_id IS NOT NULL;",

	/* 2: agencies, users, sessions and integration tokens */
	"CREATE TABLE agencies ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  kind TEXT NOT NULL,"
	"  home_area TEXT,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	/* the areas an agency serves, for routing; '*' = every area */
	"CREATE TABLE agency_areas ("
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  area TEXT NOT NULL,"
	"  PRIMARY KEY (agency_id, area)"
	") STRICT;"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  display_name TEXT NOT NULL,"
	"  contact TEXT,"
	"  role TEXT NOT NULL,"
	"  password_hash TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX users_agency ON users(agency_id);"
	"CREATE TABLE sessions ("
	"  id_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  csrf_token TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  revoked INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  label TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;",

	/* 3: protocol versions, youth, cases (recoveries), participation, the timeline */
	"CREATE TABLE protocols ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  effective TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  sha TEXT NOT NULL,"
	"  loaded_at INTEGER NOT NULL,"
	"  UNIQUE (name, version)"
	") STRICT;"
	"CREATE TABLE youth ("
	"  id INTEGER PRIMARY KEY,"
	"  blind_index TEXT,"
	"  identity BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX youth_blind ON youth(blind_index) WHERE blind_index IS NOT NULL;"
	"CREATE TABLE cases ("
	"  id TEXT PRIMARY KEY,"
	"  youth_id INTEGER NOT NULL REFERENCES youth(id),"
	"  recovery_no INTEGER NOT NULL,"
	"  identified_at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  area TEXT NOT NULL,"
	"  youth_status TEXT NOT NULL,"
	"  identified_by_agency INTEGER NOT NULL REFERENCES agencies(id),"
	"  identified_by_user INTEGER NOT NULL,"
	"  protocol_id INTEGER NOT NULL REFERENCES protocols(id),"
	"  age INTEGER NOT NULL,"
	"  age_estimated INTEGER NOT NULL,"
	"  gender TEXT,"
	"  race_ethnicity TEXT,"
	"  last_assault_at INTEGER NOT NULL DEFAULT 0,"
	"  name_confidential INTEGER NOT NULL DEFAULT 0,"
	"  indicators TEXT NOT NULL DEFAULT '[]',"
	"  closed_at INTEGER NOT NULL DEFAULT 0,"
	"  close_reason TEXT"
	") STRICT;"
	"CREATE INDEX cases_youth ON cases(youth_id, recovery_no);"
	"CREATE INDEX cases_identified ON cases(identified_at);"
	"CREATE TABLE case_agencies ("
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  reason TEXT NOT NULL,"
	"  joined_at INTEGER NOT NULL,"
	"  left_at INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (case_id, agency_id)"
	") STRICT;"
	"CREATE INDEX case_agencies_agency ON case_agencies(agency_id, case_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  type TEXT NOT NULL,"
	"  section TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  agency_id INTEGER NOT NULL,"
	"  amends INTEGER REFERENCES events(id),"
	"  data TEXT NOT NULL,"
	"  sealed BLOB"
	") STRICT;"
	"CREATE INDEX events_case ON events(case_id, id);"
	"CREATE INDEX events_type ON events(type, at);"
	/* derived from events + the pinned protocol, rewritten in the same transaction */
	"CREATE TABLE case_steps ("
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  step TEXT NOT NULL,"
	"  episode INTEGER NOT NULL,"
	"  owner TEXT,"
	"  also_owner TEXT,"
	"  state TEXT NOT NULL,"
	"  opened_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  done_at INTEGER NOT NULL,"
	"  PRIMARY KEY (case_id, step, episode)"
	") STRICT;"
	"CREATE INDEX case_steps_due ON case_steps(owner, due_at) WHERE state = 'pending';"
	"CREATE INDEX case_steps_also ON case_steps(also_owner, due_at)"
	" WHERE state = 'pending' AND also_owner IS NOT NULL;"
	"CREATE TABLE idempotency ("
	"  user_id INTEGER NOT NULL,"
	"  key TEXT NOT NULL,"
	"  request_hash TEXT NOT NULL,"
	"  case_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, key)"
	") STRICT;",

	/* 4: prosecutions of exploiters and buyers; their witnesses live on case timelines */
	"CREATE TABLE prosecutions ("
	"  id INTEGER PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  court_case_number TEXT NOT NULL,"
	"  court TEXT NOT NULL,"
	"  charges TEXT NOT NULL,"
	"  filed_at INTEGER NOT NULL,"
	"  outcome TEXT,"
	"  outcome_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  created_by INTEGER NOT NULL,"
	"  UNIQUE (agency_id, court_case_number)"
	") STRICT;"
	"CREATE TABLE defendants ("
	"  id INTEGER PRIMARY KEY,"
	"  prosecution_id INTEGER NOT NULL REFERENCES prosecutions(id),"
	"  role TEXT NOT NULL,"
	"  name_sealed BLOB NOT NULL,"
	"  charges TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX defendants_prosecution ON defendants(prosecution_id);"
	"CREATE TABLE hearings ("
	"  id INTEGER PRIMARY KEY,"
	"  prosecution_id INTEGER NOT NULL REFERENCES prosecutions(id),"
	"  kind TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX hearings_prosecution ON hearings(prosecution_id, at);"
	"CREATE TABLE witnesses ("
	"  id INTEGER PRIMARY KEY,"
	"  prosecution_id INTEGER NOT NULL REFERENCES prosecutions(id),"
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  listed_at INTEGER NOT NULL,"
	"  UNIQUE (prosecution_id, case_id)"
	") STRICT;"
	"CREATE INDEX witnesses_case ON witnesses(case_id);",

	/* 5: summoning and escalation (docs/notifications.md): contact channels, on-call
	 * rosters, summonses, the notification outbox and the decided step alerts */
	"CREATE TABLE user_channels ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
	"  webhook_url TEXT,"
	"  webhook_secret BLOB,"
	"  email TEXT,"
	"  updated_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE roster ("
	"  id INTEGER PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  area TEXT NOT NULL,"
	"  starts_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  fallback_id INTEGER REFERENCES users(id),"
	"  supervisor_id INTEGER NOT NULL REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  created_by INTEGER NOT NULL,"
	"  removed_at INTEGER NOT NULL DEFAULT 0,"
	"  CHECK (ends_at > starts_at)"
	") STRICT;"
	"CREATE INDEX roster_agency ON roster(agency_id, ends_at) WHERE removed_at = 0;"
	"CREATE TABLE summons ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  step TEXT NOT NULL,"
	"  step_title TEXT NOT NULL,"
	"  episode INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  roster_id INTEGER REFERENCES roster(id),"
	"  stage INTEGER NOT NULL DEFAULT 0,"
	"  role TEXT NOT NULL DEFAULT 'on_call',"
	"  created_at INTEGER NOT NULL,"
	"  stage_at INTEGER NOT NULL,"
	"  acked_at INTEGER NOT NULL DEFAULT 0,"
	"  acked_by INTEGER NOT NULL DEFAULT 0,"
	"  ack_how TEXT,"
	"  UNIQUE (case_id, agency_id, step, episode)"
	") STRICT;"
	"CREATE INDEX summons_open ON summons(stage_at) WHERE acked_at = 0;"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  stage INTEGER NOT NULL,"
	"  role TEXT NOT NULL,"
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  step TEXT NOT NULL,"
	"  episode INTEGER NOT NULL,"
	"  step_title TEXT NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  area TEXT NOT NULL,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  summons_id INTEGER REFERENCES summons(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  channel TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  claimed_by TEXT,"
	"  claimed_until INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  acked_at INTEGER NOT NULL DEFAULT 0,"
	"  acked_by INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	/* the cause: never two messages for it */
	"  UNIQUE (case_id, step, episode, kind, stage, user_id, channel)"
	") STRICT;"
	"CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending';"
	"CREATE INDEX outbox_case ON outbox(case_id, id);"
	"CREATE INDEX outbox_summons ON outbox(summons_id) WHERE summons_id IS NOT NULL;"
	"CREATE TABLE step_alerts ("
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  step TEXT NOT NULL,"
	"  episode INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, step, episode, kind)"
	") STRICT;"
	"CREATE INDEX case_steps_pending ON case_steps(due_at) WHERE state = 'pending';",

	/* 6: the Board report (docs/report.md) leaves out amended events; finding an
	 * event's amendment must not scan the timeline */
	"CREATE INDEX events_amends ON events(amends) WHERE amends IS NOT NULL;",

	/* 7: "what my agency owes now" walks the pending steps of its kind in (due, case)
	 * order and stops when the page is full, instead of computing every case's next
	 * due step first (sqlite_case_query) */
	"DROP INDEX case_steps_due;"
	"CREATE INDEX case_steps_due ON case_steps(owner, due_at, case_id) WHERE state = 'pending';"
	"DROP INDEX case_steps_also;"
	"CREATE INDEX case_steps_also ON case_steps(also_owner, due_at, case_id)"
	" WHERE state = 'pending' AND also_owner IS NOT NULL;",

	/* 8: a keyed audit chain that covers the timeline (store/audit_chain.h): anchor rows
	 * name an event and the MAC of its fields; rows say which bearer token a request
	 * used. After this SQL, sqlite_audit_rekey (SQLITE_SCHEMA_AUDIT_KEYED) re-chains the
	 * old rows with the keyed MAC and anchors the old events, in the same transaction. */
	"ALTER TABLE audit ADD COLUMN token_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE audit ADD COLUMN ref_event INTEGER;"
	"ALTER TABLE audit ADD COLUMN ref_mac TEXT;"
	"CREATE INDEX audit_ref ON audit(ref_event, seq) WHERE ref_event IS NOT NULL;",

	/* 9: bearer tokens expire and have a scope, and remember who made them (0: the
	 * operator at the command line); tokens made before expire 90 days after the
	 * upgrade. Notices tell an agency's supervisors (and the person concerned) about
	 * privileged accounts, tokens and password resets made by others. */
	"ALTER TABLE tokens ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';"
	"UPDATE tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400"
	" WHERE expires_at = 0;"
	"CREATE INDEX tokens_user ON tokens(user_id);"
	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  kind TEXT NOT NULL,"
	"  subject_id INTEGER NOT NULL REFERENCES users(id),"
	"  actor_id INTEGER NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX notices_agency ON notices(agency_id, id);"
	"CREATE INDEX notices_subject ON notices(subject_id, id);",

	/* 10: finding a youth and acting on a case (issue 17). The search index: keyed hashes
	 * of the normalised words of a youth's names, aliases and birth dates (core/search.h),
	 * never a name; youth.search_key is the id of the key that made them (0: not yet, so
	 * `serve` indexes the youth at its next start, as after a key rotation). The PC 293
	 * election as it stands after every name_confidentiality event, kept in cases (lists
	 * decide with it who sees initials). Each agency's named worker on a case (derived
	 * from worker_assigned events, rewritten in the same transaction), and each user's
	 * saved list filters. */
	"CREATE TABLE youth_search ("
	"  term TEXT NOT NULL,"
	"  youth_id INTEGER NOT NULL REFERENCES youth(id),"
	"  PRIMARY KEY (term, youth_id)"
	") STRICT, WITHOUT ROWID;"
	"CREATE INDEX youth_search_youth ON youth_search(youth_id);"
	"ALTER TABLE youth ADD COLUMN search_key INTEGER NOT NULL DEFAULT 0;"
	"UPDATE cases SET name_confidential = COALESCE((SELECT json_extract(e.data, '$.confidential')"
	"  FROM events e WHERE e.case_id = cases.id AND e.type = 'name_confidentiality'"
	"  AND NOT EXISTS (SELECT 1 FROM events a WHERE a.amends = e.id)"
	"  ORDER BY e.id DESC LIMIT 1), name_confidential);"
	"CREATE TABLE case_workers ("
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  assigned_at INTEGER NOT NULL,"
	"  event_id INTEGER NOT NULL REFERENCES events(id),"
	"  PRIMARY KEY (case_id, agency_id)"
	") STRICT;"
	"CREATE INDEX case_workers_user ON case_workers(user_id, case_id);"
	"CREATE TABLE user_prefs ("
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (user_id, key)"
	") STRICT;",

	/* 11: sign-in a county accepts (issue 19). A second factor per user: the TOTP secret
	 * sealed ("user.totp"; enrolled_at 0 while it awaits its first code), the last step
	 * used (a code is good once) and one-time recovery codes stored as keyed hashes.
	 * Sessions say how far sign-in got (stage: 'full', or 'code' and 'enrol' while the
	 * second factor is owed) and how it was made (method: 'password', 'oidc'). Accounts
	 * remember their last use (inactive ones are disabled; everyone counts as used at the
	 * upgrade) and their identity at the county's provider (sso_id, the configured claim's
	 * value). An agency may switch local passwords off. OpenID Connect sign-ins in flight
	 * are kept by the hash of their state. */
	"ALTER TABLE users ADD COLUMN totp_secret BLOB;"
	"ALTER TABLE users ADD COLUMN totp_enrolled_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN last_active_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN sso_id TEXT;"
	"UPDATE users SET last_active_at = CAST(strftime('%s', 'now') AS INTEGER);"
	"CREATE UNIQUE INDEX users_sso ON users(sso_id COLLATE NOCASE) WHERE sso_id IS NOT NULL;"
	"CREATE TABLE recovery_codes ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  hash TEXT NOT NULL,"
	"  used_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX recovery_codes_user ON recovery_codes(user_id);"
	"ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';"
	"ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';"
	"ALTER TABLE agencies ADD COLUMN password_signin INTEGER NOT NULL DEFAULT 1;"
	"CREATE TABLE oidc_requests ("
	"  state_hash TEXT PRIMARY KEY,"
	"  binding_hash TEXT NOT NULL,"
	"  nonce TEXT NOT NULL,"
	"  verifier TEXT NOT NULL,"
	"  return_to TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;",

	/* 12: the agenda and calendar feeds (issue 17). Each user may have one calendar feed:
	 * a secret URL whose token is kept only as a keyed hash (lib/shcrypto.h
	 * shcrypto_feed_hash); mine: only the user's own cases and shifts. Hearings are found
	 * by time for the agenda. */
	"CREATE TABLE calendar_feeds ("
	"  user_id INTEGER PRIMARY KEY REFERENCES users(id),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  mine INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  used_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX hearings_at ON hearings(at);",

	/* 13: court-ordered sealing and retention (issue 23). Each youth's values are sealed
	 * under the youth's own data key, kept only here, wrapped under the field key:
	 * deleting the row makes them unreadable (crypto-shredding). A youth sealed by court
	 * order or destroyed by retention keeps when and why (sealed_why: 'court order',
	 * 'retention'), no identity. A hold keeps a case, and its youth, from retention. */
	"CREATE TABLE youth_keys ("
	"  youth_id INTEGER PRIMARY KEY REFERENCES youth(id),"
	"  wrapped BLOB NOT NULL"
	") STRICT;"
	"ALTER TABLE youth ADD COLUMN sealed_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE youth ADD COLUMN sealed_why TEXT;"
	"CREATE TABLE case_holds ("
	"  case_id TEXT PRIMARY KEY REFERENCES cases(id),"
	"  reason TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  set_at INTEGER NOT NULL"
	") STRICT;",

	/* 14 (issue 24's migration 16, renumbered on merge): events take an Idempotency-Key
	 * too, as identifications do: the key's row names the event it made (NULL for an
	 * identification), and its hash covers the case and the body. */
	"ALTER TABLE idempotency ADD COLUMN event_id INTEGER;",

	/* 15: the case's derived steps kept as each write derived them (issue 21), so a case
	 * is read without evaluating the protocol: the protocol's step instances with what the
	 * step rows do not hold (the entry that settled each, the earliest time it may be done;
	 * core/casefile.h: casefile_steps_encode), and the stamp of the records and settings
	 * they were derived from (api/casefile.c); a read whose stamp differs derives again. */
	"CREATE TABLE case_derived ("
	"  case_id TEXT PRIMARY KEY REFERENCES cases(id),"
	"  stamp TEXT NOT NULL,"
	"  steps TEXT NOT NULL"
	") STRICT;",

	/* 16: the stability figures' events, kept as they stand (issue 21): every stability
	 * check, missing-from-care start and end and placement that no entry amends, with its
	 * youth and the fields the figures read (ANY: as json_extract gives them, so the
	 * figures are the same as read from the events). Two triggers keep it in the
	 * transaction of every event written, whoever writes it (the API, an imported case,
	 * bench/gen-state): an event of these types adds its row, an amending entry removes
	 * the row of the entry it amends. Events are never deleted or retyped and a case
	 * never changes youth. The Board report reads this instead of each youth's events
	 * (store/sqlite_report.c); the migration fills it from the existing events
	 * (sqlite_schema_fill, in chunks: on a state's timeline it takes a while). */
	"CREATE TABLE stability_events ("
	"  event_id INTEGER PRIMARY KEY REFERENCES events(id),"
	"  case_id TEXT NOT NULL REFERENCES cases(id),"
	"  youth_id INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  stable ANY,"
	"  safe_placement ANY,"
	"  engaged ANY,"
	"  detained ANY"
	") STRICT;"
	"CREATE INDEX stability_events_case ON stability_events(case_id, type, at);"
	"CREATE INDEX stability_events_youth ON stability_events(youth_id, type, at);"
	"CREATE TRIGGER stability_events_add AFTER INSERT ON events"
	" WHEN new.type IN ('stability_check', 'missing_start', 'missing_end', 'placement')"
	" BEGIN " STABILITY_EVENTS_INSERT(
		"new",
		"FROM cases c WHERE c.id = new.case_id") "; END;"
							 "CREATE TRIGGER stability_events_amended AFTER INSERT ON events"
							 " WHEN new.amends IS NOT NULL"
							 " BEGIN DELETE FROM stability_events WHERE event_id = new.amends; END;",

	/* 17: 16's adding trigger with its test written as comparisons: a list `IN (...)` in a
	 * trigger's WHEN is built into a temporary index again for each row inserted into
	 * events, whatever its type (callgrind: 16's two triggers cost 35,000 instructions an
	 * event, 6,000 with comparisons; bench/RESULTS.md, issue 21's fourth stop). Same
	 * rows, same body. */
	"DROP TRIGGER stability_events_add;"
	"CREATE TRIGGER stability_events_add AFTER INSERT ON events"
	" WHEN new.type = 'stability_check' OR new.type = 'missing_start'"
	" OR new.type = 'missing_end' OR new.type = 'placement'"
	" BEGIN " STABILITY_EVENTS_INSERT("new", "FROM cases c WHERE c.id = new.case_id") "; END;",

	/* 18: PostgreSQL's audit rows are inserted without a place in the chain and linked after
	 * they commit (pg_schema.c). SQLite's one writer thread appends in order: nothing to
	 * change but the number, kept equal to PostgreSQL's. */
	"SELECT 18;",
};

/* 16's fill, in chunks of event ids (+e.type: by rowid, not by every event of a type
 * again for each chunk) */
static const char fill_16[] = STABILITY_EVENTS_INSERT(
	"e", "FROM events e JOIN cases c ON c.id = e.case_id WHERE e.id > ?1 AND e.id <= ?2"
	     " AND +e.type IN ('stability_check', 'missing_start', 'missing_end', 'placement')"
	     " AND NOT EXISTS (SELECT 1 FROM events a WHERE a.amends = e.id)");

const char *sqlite_schema_fill(int version)
{
	return version == 16 ? fill_16 : NULL;
}

int sqlite_schema_count(void)
{
	return (int)ARRAY_SIZE(migrations);
}

const char *sqlite_schema_migration(int version)
{
	if (version < 1 || version > (int)ARRAY_SIZE(migrations))
		return NULL;
	return migrations[version - 1];
}
