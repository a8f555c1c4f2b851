#include "lib/common.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/timefmt.h"

/* Set once before threads start (log.h), read-only afterwards. */
static enum log_level min_level = LOG_INFO;
static enum log_format format = LOG_TEXT;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_set_format(enum log_format f)
{
	format = f;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++)
		if (!strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

static void json_string(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addch(b, (char)c);
	}
	buf_addch(b, '"');
}

/* one write per line so threads do not interleave */
static void emit(struct buf *line)
{
	buf_addch(line, '\n');
	fwrite(line->data, 1, line->len, stderr);
	buf_release(line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[1024], ts[TIMEFMT_RFC3339_LEN];
	struct buf line = BUF_INIT;
	va_list ap;

	if (level < min_level)
		return;
	timefmt_format_rfc3339((int64_t)time(NULL), ts);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (format == LOG_JSON) {
		buf_addf(&line, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", ts,
			 level_names[level]);
		json_string(&line, text);
		buf_addch(&line, '}');
	} else {
		buf_addf(&line, "%s %s %s", ts, level_names[level], text);
	}
	emit(&line);
}

void log_access(const struct log_access *a)
{
	char ts[TIMEFMT_RFC3339_LEN];
	struct buf line = BUF_INIT;

	if (LOG_INFO < min_level)
		return;
	timefmt_format_rfc3339((int64_t)time(NULL), ts);
	if (format == LOG_JSON) {
		buf_addf(&line,
			 "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"access\",\"method\":", ts);
		json_string(&line, a->method);
		buf_adds(&line, ",\"route\":");
		json_string(&line, a->route);
		buf_addf(&line, ",\"status\":%d,\"latency_ms\":%.1f,\"request_id\":", a->status,
			 a->latency_ms);
		json_string(&line, a->request_id);
		buf_adds(&line, ",\"client\":");
		json_string(&line, a->client);
		if (a->ended_early)
			buf_adds(&line, ",\"ended_early\":true");
		buf_addch(&line, '}');
	} else {
		buf_addf(&line, "%s info access %s %s %d %.1fms id=%s client=%s%s", ts, a->method,
			 a->route, a->status, a->latency_ms, a->request_id, a->client,
			 a->ended_early ? " (connection ended early)" : "");
	}
	emit(&line);
}
