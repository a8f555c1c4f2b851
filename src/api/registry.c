#include "lib/common.h"
#include <ctype.h>
#include <sys/stat.h>
#include "api/registry.h"
#include "core/casefile.h"
#include "lib/tz.h"
#include "lib/log.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"

struct put {
	struct protocol_rec rec;
};

static enum sh_code do_put(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct put *p = arg;

	return store_protocol_put(c, &p->rec, err);
}

static enum sh_code read_file(const char *path, struct buf *out, struct sh_error *err)
{
	FILE *f = fopen(path, "re");
	char chunk[4096];
	size_t n;

	if (!f)
		return sh_error_set(err, SH_EIO, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n)) {
			fclose(f);
			return sh_error_set(err, SH_ETOOBIG, "%s: file too large", path);
		}
	fclose(f);
	return SH_OK;
}

/* Remembers that the file at path holds protocol name (its holiday file is relative to it). */
static enum sh_code remember_file(struct registry *r, const char *name, const char *path,
				  struct sh_error *err)
{
	struct registry_file *grown = realloc(r->files, (r->nfiles + 1) * sizeof(*grown));

	if (!grown)
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	r->files = grown;
	if (!(grown[r->nfiles].path = strdup(path)))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	snprintf(grown[r->nfiles].name, sizeof(grown->name), "%s", name);
	r->nfiles++;
	return SH_OK;
}

static enum sh_code store_file(struct store *s, const char *path, int64_t now, struct registry *r,
			       char *name, size_t name_size, struct sh_error *err)
{
	struct buf text, errors = BUF_INIT;
	struct protocol *p = NULL;
	struct put put = { 0 };
	struct tz *tz = NULL;
	struct sh_date *days = NULL;
	size_t ndays;
	bool has_days;
	char sha[65];
	enum sh_code rc;

	buf_init(&text, 4 * 1024 * 1024);
	if ((rc = read_file(path, &text, err)))
		goto out;
	if ((rc = protocol_parse(text.data, text.len, path, &p, &errors)) ||
	    /* its own zone and holiday file, checked before anything is stored */
	    (rc = protocol_calendar_load(p, path, &tz, &days, &ndays, &has_days, &errors))) {
		rc = sh_error_set(err, SH_EINVAL, "%s", errors.data);
		goto out;
	}
	if ((rc = remember_file(r, protocol_name(p), path, err)))
		goto out;
	shcrypto_hash_hex(text.data, text.len, sha);
	put.rec.name = protocol_name(p);
	put.rec.version = protocol_version(p);
	put.rec.effective = protocol_effective(p);
	put.rec.text = text.data;
	put.rec.sha = sha;
	put.rec.loaded_at = now;
	if ((rc = store_write(s, do_put, &put, err)))
		goto out;
	snprintf(name, name_size, "%s", protocol_name(p));
	log_info("protocol: %s version %s (effective %s) from %s", protocol_name(p),
		 protocol_version(p), protocol_effective(p), path);
out:
	tz_free(tz);
	free(days);
	protocol_free(p);
	buf_release(&text);
	buf_release(&errors);
	return rc;
}

/* s[0..n) without the blanks around it, into out (size bytes; false when it does not fit). */
static bool trimmed(const char *s, size_t n, char *out, size_t size)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool area_code(const char *a)
{
	for (const char *p = a; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_' &&
		    *p != '-')
			return false;
	return *a != '\0';
}

/* One "AREA[,AREA...]=FILE" entry of protocol_areas: the file stored as a version, each
 * area mapped onto its protocol. */
static enum sh_code load_area_entry(struct store *s, const char *entry, size_t len, int64_t now,
				    struct registry *r, struct sh_error *err)
{
	const char *eq = memchr(entry, '=', len), *p;
	char file[4096], area[64], name[96];
	enum sh_code rc;

	if (!eq || !trimmed(eq + 1, len - (size_t)(eq - entry) - 1, file, sizeof(file)) || !*file)
		return sh_error_set(err, SH_EINVAL,
				    "protocol_areas: '%.*s' is not AREA[,AREA...]=FILE (entries "
				    "separated by ';')",
				    (int)(len > 200 ? 200 : len), entry);
	if ((rc = store_file(s, file, now, r, name, sizeof(name), err)))
		return rc;
	for (p = entry; p < eq;) {
		const char *comma = memchr(p, ',', (size_t)(eq - p));
		const char *end = comma ? comma : eq;
		struct registry_area *grown;
		if (!trimmed(p, (size_t)(end - p), area, sizeof(area)) || !area_code(area))
			return sh_error_set(err, SH_EINVAL,
					    "protocol_areas: '%.*s' is not an area code (lowercase "
					    "letters, digits, '_' and '-', at most 63)",
					    (int)(end - p > 80 ? 80 : end - p), p);
		for (size_t i = 0; i < r->nareas; i++)
			if (!strcmp(r->areas[i].area, area))
				return sh_error_set(err, SH_EINVAL,
						    "protocol_areas: area %s is given twice (%s "
						    "and %s)",
						    area, r->areas[i].name, name);
		if (!(grown = realloc(r->areas, (r->nareas + 1) * sizeof(*grown))))
			return sh_error_set(err, SH_ENOMEM, "out of memory");
		r->areas = grown;
		snprintf(grown[r->nareas].area, sizeof(grown->area), "%s", area);
		snprintf(grown[r->nareas].name, sizeof(grown->name), "%s", name);
		r->nareas++;
		p = comma ? comma + 1 : eq;
	}
	return SH_OK;
}

static enum sh_code load_areas(struct store *s, const char *areas, int64_t now, struct registry *r,
			       struct sh_error *err)
{
	enum sh_code rc;

	for (const char *p = areas; p && *p;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		char probe[2];
		/* an empty entry (a trailing ';') says nothing */
		if (trimmed(p, len, probe, sizeof(probe)) && !*probe) {
			p += len + (semi ? 1 : 0);
			continue;
		}
		if ((rc = load_area_entry(s, p, len, now, r, err)))
			return rc;
		p += len + (semi ? 1 : 0);
	}
	return SH_OK;
}

/* e's own zone and holidays, when its header declares them: the holiday file relative to the
 * file of its protocol given at this start. A version whose calendar cannot be loaded (its
 * file not given, the zone not on this system) counts in the county's, said in the log. */
static void entry_calendar(const struct registry *r, struct registry_entry *e)
{
	struct buf errors = BUF_INIT;
	const char *path = NULL;

	if (!protocol_timezone(e->p) && !protocol_holidays_file(e->p))
		return;
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].name, protocol_name(e->p)))
			path = r->files[i].path;
	if (protocol_holidays_file(e->p) && !path)
		log_error("protocol: %s version %s names a holiday file, but no file of %s is "
			  "given: its cases count in the county's holidays",
			  protocol_name(e->p), protocol_version(e->p), protocol_name(e->p));
	if (protocol_calendar_load(e->p, path, &e->tz, &e->holidays, &e->nholidays,
				   &e->has_holidays, &errors))
		log_error("protocol: %s version %s: its cases count in the county's calendar: %s",
			  protocol_name(e->p), protocol_version(e->p), errors.data);
	buf_release(&errors);
}

enum sh_code registry_load(struct store *s, const char *path, const char *areas, int64_t now,
			   struct registry *r, struct sh_error *err)
{
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct protocol_rec *list;
	struct stat st;
	size_t n;
	enum sh_code rc;

	memset(r, 0, sizeof(*r));
	if (path && stat(path, &st) == 0 &&
	    (rc = store_file(s, path, now, r, r->current, sizeof(r->current), err)))
		return rc;
	if ((rc = load_areas(s, areas, now, r, err)))
		goto out;
	if ((rc = store_read_begin(s, &c, err)))
		return rc;
	rc = store_protocol_list(c, &a, &list, &n, err);
	store_read_end(c);
	if (rc)
		goto out;
	if (n == 0) {
		rc = sh_error_set(err, SH_EINVAL,
				  "no protocol: %s not found and none stored; pass "
				  "--protocol FILE",
				  path ? path : "(no file)");
		goto out;
	}
	r->e = calloc(n, sizeof(*r->e));
	if (!r->e) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct buf errors = BUF_INIT;
		struct registry_entry *e = &r->e[r->n];
		if (protocol_parse(list[i].text, strlen(list[i].text), list[i].name, &e->p,
				   &errors)) {
			/* a stored version this build cannot read: its cases keep their cached steps */
			log_error("protocol: stored %s version %s no longer parses: %s",
				  list[i].name, list[i].version, errors.data);
			buf_release(&errors);
			continue;
		}
		buf_release(&errors);
		entry_calendar(r, e);
		protocol_describe(e->p, &errors); /* `protocol show`: every condition written out */
		e->counts_missing = strstr(errors.data, "missing_count") != NULL;
		e->ends_with_shifts = strstr(errors.data, "shift_end") != NULL;
		e->tests_screening = strstr(errors.data, "screening in") != NULL;
		buf_release(&errors);
		e->id = list[i].id;
		snprintf(e->name, sizeof(e->name), "%s", list[i].name);
		snprintf(e->version, sizeof(e->version), "%s", list[i].version);
		snprintf(e->effective, sizeof(e->effective), "%s", list[i].effective);
		r->n++;
	}
	if (!r->current[0] && r->n) /* no file: run under the newest stored protocol */
		snprintf(r->current, sizeof(r->current), "%s", r->e[r->n - 1].name);
	if (!r->n)
		rc = sh_error_set(err, SH_EINVAL, "no stored protocol could be parsed");
out:
	arena_release(&a);
	if (rc)
		registry_release(r);
	return rc;
}

void registry_release(struct registry *r)
{
	for (size_t i = 0; i < r->n; i++) {
		protocol_free(r->e[i].p);
		tz_free(r->e[i].tz);
		free(r->e[i].holidays);
	}
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	free(r->e);
	free(r->areas);
	memset(r, 0, sizeof(*r));
}

const char *registry_protocol_of(const struct registry *r, const char *area)
{
	for (size_t i = 0; area && i < r->nareas; i++)
		if (!strcmp(r->areas[i].area, area))
			return r->areas[i].name;
	return r->current;
}

const struct registry_entry *registry_for(const struct registry *r, const char *area,
					  const struct tz *tz, int64_t t0)
{
	const struct registry_entry *best = NULL, *earliest = NULL;
	const char *name = registry_protocol_of(r, area);
	char day[11];

	timefmt_format_date(tz_date(tz, t0), day); /* the county's day of identification */
	for (size_t i = 0; i < r->n; i++) {
		const struct registry_entry *e = &r->e[i];
		if (strcmp(e->name, name))
			continue;
		if (!earliest || strcmp(e->effective, earliest->effective) < 0)
			earliest = e;
		/* on equal dates the later-loaded version wins */
		if (strcmp(e->effective, day) <= 0 &&
		    (!best || strcmp(e->effective, best->effective) >= 0))
			best = e;
	}
	return best ? best : earliest;
}

const struct registry_entry *registry_by_id(const struct registry *r, int64_t id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->e[i].id == id)
			return &r->e[i];
	return NULL;
}

const struct protocol *registry_witness_protocol(const struct registry *r, const struct protocol *p)
{
	const struct protocol *found = NULL;

	if (!p || protocol_nwitness(p))
		return p;
	for (size_t i = 0; i < r->n; i++) /* in load order: the latest wins */
		if (!strcmp(protocol_name(r->e[i].p), protocol_name(p)) &&
		    protocol_nwitness(r->e[i].p))
			found = r->e[i].p;
	return found;
}

const char *registry_step_title(const struct registry *r, int64_t protocol_id, const char *key)
{
	const struct registry_entry *e = registry_by_id(r, protocol_id);
	const struct protocol_witness_item *w =
		e ? protocol_witness_find(registry_witness_protocol(r, e->p), key) : NULL;

	return w ? w->title : e ? protocol_step_title(e->p, key) : key;
}

const char *registry_step_title_es(const struct registry *r, const char *key)
{
	const char *found = NULL;

	/* a witness item's, then a step's */
	for (size_t i = 0; key && !found && i < r->n; i++) {
		const struct protocol_witness_item *w = protocol_witness_find(r->e[i].p, key);
		if (w && w->title_es)
			found = w->title_es;
	}
	if (found)
		return found;

	for (size_t i = 0; key && i < r->n; i++) {
		const struct protocol *p = r->e[i].p;
		for (size_t j = 0; p && j < protocol_nsteps(p); j++)
			if (!strcmp(protocol_step_key(p, j), key) && protocol_step_title_es(p, j))
				found = protocol_step_title_es(p, j);
	}
	return found;
}

struct protocol_calendar registry_calendar(const struct registry *r, int64_t protocol_id,
					   const struct tz *tz, const struct sh_date *holidays,
					   size_t nholidays)
{
	const struct registry_entry *e = registry_by_id(r, protocol_id);
	struct protocol_calendar cal = { tz, holidays, nholidays };

	if (e && e->tz)
		cal.tz = e->tz;
	if (e && e->has_holidays) {
		cal.holidays = e->holidays;
		cal.nholidays = e->nholidays;
	}
	return cal;
}
