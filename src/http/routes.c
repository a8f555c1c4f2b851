/* The route table: every HTTP path safeharbor serves (contract.md, docs/api.md). */
#include "lib/common.h"
#include "api/handlers.h"
#include "http/router.h"

#define KiB 1024

const struct route http_routes[] = {
	{ "GET", "/healthz", api_health, ROUTE_PUBLIC, 0 },
};

const size_t http_nroutes = ARRAY_SIZE(http_routes);
