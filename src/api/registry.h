#ifndef SH_REGISTRY_H
#define SH_REGISTRY_H
/*
 * Every protocol version the database has seen, parsed once at start-up. Each
 * case pins the version in force at its identification (the latest version of
 * the current protocol whose effective date is on or before that day), so loading
 * a new file never changes an existing case's deadlines.
 */
#include "core/protocol.h"
#include "store/store.h"

struct tz;

struct registry_entry {
	int64_t id; /* protocols.id, pinned by cases */
	char name[96];
	char version[64];
	char effective[11];
	struct protocol *p;
};

struct registry {
	size_t n;
	struct registry_entry *e;
	char current[96]; /* the protocol name new cases run under */
};

/*
 * Stores the protocol file at path (when given and present) as a version, then
 * parses every stored version. Parse errors of the file are returned as
 * SH_EINVAL with its "FILE:LINE: message" lines in err->detail.
 */
enum sh_code registry_load(struct store *s, const char *path, int64_t now, struct registry *r,
			   struct sh_error *err);
void registry_release(struct registry *r);
/* The version new cases identified at t0 run under (the version in force on the county's
 * day of t0); NULL when none is stored. */
const struct registry_entry *registry_for(const struct registry *r, const struct tz *tz,
					  int64_t t0);
const struct registry_entry *registry_by_id(const struct registry *r, int64_t id);
/* A step's title in words: a witness item's, else the one of protocol version protocol_id;
 * the key itself when neither knows it. */
/* Whose witness items a case pinned to p has: p's when it declares them, else the
 * latest-loaded version of the same protocol that does (cases pinned before the items were
 * in the file keep their witnesses' items); NULL: none. */
const struct protocol *registry_witness_protocol(const struct registry *r,
						 const struct protocol *p);
const char *registry_step_title(const struct registry *r, int64_t protocol_id, const char *key);
/* A step's title in Spanish: a witness item's (made by the server), else the protocol's
 * title_es (the latest version that gives one); NULL when neither. */
const char *registry_step_title_es(const struct registry *r, const char *key);

#endif
