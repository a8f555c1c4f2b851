#include "lib/common.h"
#include <syslog.h>
#include "lib/syslogw.h"

void syslogw_open(void)
{
	openlog("safeharbor", LOG_PID, LOG_AUTHPRIV);
}

void syslogw_notice(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", line);
}

void syslogw_close(void)
{
	closelog();
}
