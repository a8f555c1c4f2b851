#include "lib/common.h"
#include "lib/log.h"
#include "lib/timefmt.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	char line[1024], ts[TIMEFMT_RFC3339_LEN];
	va_list ap;
	int n;

	if (level < min_level)
		return;
	timefmt_format_rfc3339((int64_t)time(NULL), ts);
	n = snprintf(line, sizeof(line), "%s %s ", ts, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* one write per line so threads do not interleave */
	fprintf(stderr, "%s\n", line);
}
