#ifndef SH_HTTP_METRICS_H
#define SH_HTTP_METRICS_H
/* GET /metrics (metrics.c): on the metrics listener, and on the main port to a token. */
#include "api/handlers.h"
#include "http/router.h"

API_HANDLER(http_metrics);
API_HANDLER(http_metrics_token);

/* The route table of the metrics listener: /metrics, /healthz and /readyz only. */
extern const struct route http_metrics_routes[];
extern const size_t http_metrics_nroutes;

#endif
