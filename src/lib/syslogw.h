#ifndef SH_SYSLOGW_H
#define SH_SYSLOGW_H
/*
 * The system log, for what must also be kept off this host's files (audit checkpoints).
 * A module of its own: <syslog.h> names its levels LOG_INFO, ... as lib/log.h does.
 */
void syslogw_open(void);
/* One line at LOG_AUTHPRIV|LOG_NOTICE. Never personal data. */
void syslogw_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void syslogw_close(void);

#endif
