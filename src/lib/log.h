#ifndef SH_LOG_H
#define SH_LOG_H
/*
 * Logging to stderr, one line per message: time, level, text; or one JSON object per
 * line (log_format = json: time, level, msg). Never pass personal data (names, birth
 * dates, note text) to these functions, nor ids or query strings: log route patterns,
 * statuses, counts and outcomes.
 */
#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
enum log_format { LOG_TEXT, LOG_JSON };

/* Set once at start-up, before any thread starts. */
void log_set_level(enum log_level level);
void log_set_format(enum log_format format);
/* "debug", "info", ... ; -1 when unknown */
int log_level_parse(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One access-log line per request: what the access log may carry, and nothing else. */
struct log_access {
	const char *method;
	const char *route; /* the route pattern ("/api/v1/cases/{id}"), never the path */
	int status;
	double latency_ms;
	const char *request_id;
	const char *client; /* the client's address (client_addr.h) */
	bool ended_early;   /* the connection closed before the answer was sent */
};
void log_access(const struct log_access *a);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
