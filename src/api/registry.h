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
	bool counts_missing;   /* a "missing_count" condition: needs the youth's earlier episodes */
	bool ends_with_shifts; /* a "due shift_end" step: needs the rosters' shifts */
	bool tests_screening;  /* a "screening in" condition: needs the latest screening's level */
	/* its own calendar ("timezone", "holidays" in its header): NULL / false: the county's */
	struct tz *tz;
	struct sh_date *holidays;
	size_t nholidays;
	bool has_holidays;
};

/* A protocol file loaded at this start: its own holiday file is relative to its folder. */
struct registry_file {
	char name[96];
	char *path;
};

/* An area whose new cases run under another protocol than the default (protocol_areas). */
struct registry_area {
	char area[64];
	char name[96]; /* the protocol's name */
};

struct registry {
	size_t n;
	struct registry_entry *e;
	char current[96];	     /* the protocol name new cases run under (the default) */
	struct registry_area *areas; /* the areas with a protocol of their own */
	size_t nareas;
	struct registry_file *files; /* the files given at this start */
	size_t nfiles;
};

/*
 * Stores the protocol file at path (when given and present) as a version, and the file of
 * each entry of areas (the protocol_areas setting: "AREA[,AREA...]=FILE" entries separated
 * by ';', NULL or "" for none; every file must exist), then parses every stored version.
 * Parse errors of the files are returned as SH_EINVAL with their "FILE:LINE: message"
 * lines in err->detail, a malformed areas entry as "protocol_areas: ...".
 */
enum sh_code registry_load(struct store *s, const char *path, const char *areas, int64_t now,
			   struct registry *r, struct sh_error *err);
void registry_release(struct registry *r);
/* The name of the protocol new cases of area run under: its own (protocol_areas), else the
 * default. area NULL: the default. */
const char *registry_protocol_of(const struct registry *r, const char *area);
/* The version new cases of area (NULL: the default protocol's) identified at t0 run under
 * (the version in force on the county's day of t0); NULL when none is stored. */
const struct registry_entry *registry_for(const struct registry *r, const char *area,
					  const struct tz *tz, int64_t t0);
const struct registry_entry *registry_by_id(const struct registry *r, int64_t id);
/* The calendar the deadlines of a case pinned to protocol_id count in: the version's own zone
 * and holidays when its file declares them, else the county's (the other arguments). */
struct protocol_calendar registry_calendar(const struct registry *r, int64_t protocol_id,
					   const struct tz *tz, const struct sh_date *holidays,
					   size_t nholidays);
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
