#ifndef SH_TZ_H
#define SH_TZ_H
/*
 * The county's time zone: every calendar-day rule (ages, deadlines that end on a day,
 * report periods) uses the county's local day, while instants stay Unix seconds in UTC.
 * Zones come from the system zone database (TZif files, RFC 8536, under
 * /usr/share/zoneinfo), read once into a struct tz and then used read-only from any
 * thread: no TZ environment, no localtime().
 */
#include <stdint.h>
#include "lib/error.h"
#include "lib/timefmt.h"

#define TZ_DEFAULT "America/Los_Angeles"
#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_LOCAL_LEN 26 /* "2026-03-31T20:00:00-07:00" + NUL */

struct tz;

/*
 * Loads zone `name` ("America/Los_Angeles", "UTC") from dir (NULL: TZ_DIR). SH_EINVAL
 * naming the zone when the name is malformed or not in the database. Free with tz_free().
 */
enum sh_code tz_load(const char *dir, const char *name, struct tz **out, struct sh_error *err);
/* The zone from the TZif bytes given (for tests and the fuzzer); name is copied. */
enum sh_code tz_parse(const char *name, const unsigned char *data, size_t len, struct tz **out,
		      struct sh_error *err);
void tz_free(struct tz *z); /* accepts NULL */

const char *tz_name(const struct tz *z); /* owned by z */
/* Seconds east of UTC at instant t, and the abbreviation then ("PDT"; "" when none; owned by
 * z). */
int32_t tz_offset(const struct tz *z, int64_t t);
const char *tz_abbr(const struct tz *z, int64_t t);

/* The local calendar day of instant t. */
struct sh_date tz_date(const struct tz *z, int64_t t);
/* The first instant of local day d, and the last (one second before the next day starts). */
int64_t tz_day_start(const struct tz *z, struct sh_date d);
int64_t tz_day_end(const struct tz *z, struct sh_date d);
/* Whole years from birth to the local day of instant t. */
int tz_age_at(const struct tz *z, struct sh_date birth, int64_t t);
/* "2026-03-31T20:00:00-07:00": the local time with its offset (out: TZ_LOCAL_LEN bytes). */
void tz_format(const struct tz *z, int64_t t, char *out);

#endif
