#include "lib/common.h"
#include "http/router.h"

/* Does path match pattern? Captures {…} segments (copied into the arena). */
static bool match(const char *pattern, const char *path, struct arena *a, const char **params,
		  int *nparams)
{
	const char *p = pattern, *q = path;

	*nparams = 0;
	while (*p && *q) {
		if (*p == '{') {
			const char *end = strchr(q, '/');
			size_t len = end ? (size_t)(end - q) : strlen(q);

			if (len == 0 || *nparams >= API_MAX_PARAMS)
				return false;
			if (a)
				params[(*nparams)++] = arena_strndup(a, q, len);
			else
				(*nparams)++;
			q += len;
			p = strchr(p, '}');
			if (!p)
				return false;
			p++;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

enum route_match router_match(const struct route *routes, size_t n, const char *method,
			      const char *path, struct arena *a, const struct route **out,
			      const char **params, int *nparams, char *allow, size_t allow_len)
{
	bool path_found = false;
	size_t used = 0;

	*out = NULL;
	if (allow_len)
		allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int np;
		if (!match(routes[i].pattern, path, NULL, params, &np))
			continue;
		if (!strcmp(routes[i].method, method)) {
			match(routes[i].pattern, path, a, params, nparams);
			*out = &routes[i];
			return ROUTE_FOUND;
		}
		path_found = true;
		if (used < allow_len)
			used += (size_t)snprintf(allow + used, allow_len - used, "%s%s",
						 used ? ", " : "", routes[i].method);
	}
	return path_found ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
