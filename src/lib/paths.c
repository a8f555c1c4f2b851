/* Compiled-in directories (Makefile: PREFIX, SYSCONFDIR, and the source tree). */
#include "lib/common.h"
#include "lib/paths.h"

#ifndef SH_DATADIR
#define SH_DATADIR "/usr/local/share/safeharbor"
#endif
#ifndef SH_SYSCONFDIR
#define SH_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef SH_SRCDIR
#define SH_SRCDIR ""
#endif

bool paths_in_build_tree(void)
{
	char exe[4096], prefix[4096];
	ssize_t n;

	if (!SH_SRCDIR[0])
		return false;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	snprintf(prefix, sizeof(prefix), "%s/build/", SH_SRCDIR);
	return !strncmp(exe, prefix, strlen(prefix));
}

void paths_datadir(char *out, size_t size)
{
	if (paths_in_build_tree())
		snprintf(out, size, "%s/protocols", SH_SRCDIR);
	else
		snprintf(out, size, "%s", SH_DATADIR);
}

void paths_default_config(char *out, size_t size)
{
	if (paths_in_build_tree())
		snprintf(out, size, "%s", "");
	else
		snprintf(out, size, "%s/safeharbor/safeharbor.conf", SH_SYSCONFDIR);
}
