/*
 * GET /metrics in the Prometheus text format 0.0.4: HTTP requests and latency
 * (telemetry.c), the writer's group commits, and counts from the database (outbox,
 * summonses, overdue steps by agency kind, audit chain length). No youth data, no
 * case ids: counts by route pattern, status and agency kind only.
 *
 * Served on its own listener (metrics_listen) without credentials, or on the main
 * port to a bearer token (metrics_token); on the main port without a token it is 404.
 */
#include "lib/common.h"
#include <sodium.h>
#include "api/app.h"
#include "http/metrics.h"
#include "http/telemetry.h"
#include "lib/promtext.h"
#include "notify/worker.h"

static enum sh_code render(struct api_request *req, struct api_response *res, struct sh_error *err)
{
	struct app *app = req->app;
	struct store_gauges g;
	struct store_stats st;
	struct store_conn *c;
	struct buf l = BUF_INIT;
	char schema[16];
	enum sh_code rc;

	if ((rc = store_read_begin(app->store, &c, err)))
		return rc;
	rc = store_gauges(c, clock_now(&app->clock), req->arena, &g, err);
	store_read_end(c);
	if (rc)
		return rc;
	res->status = 200;
	res->content_type = PROM_CONTENT_TYPE;
	buf_reset(&res->body);
	prom_family(&res->body, "safeharbor_build_info", "gauge",
		    "The running version and the schema version it writes (always 1).");
	snprintf(schema, sizeof(schema), "%d", store_schema_latest());
	prom_label(&l, "version", SH_VERSION);
	prom_label(&l, "schema", schema);
	prom_sample(&res->body, "safeharbor_build_info", l.data, 1);
	prom_family(&res->body, "safeharbor_start_time_seconds", "gauge",
		    "When the server started (Unix seconds).");
	prom_sample(&res->body, "safeharbor_start_time_seconds", NULL, (double)app->started_at);
	if (app->telemetry)
		telemetry_render(app->telemetry, &res->body);
	store_stats(app->store, &st);
	if (st.group_size) {
		prom_family(
			&res->body, "safeharbor_store_group_commit_size", "histogram",
			"Writes committed together by the writer thread (one fsync each group).");
		prom_histo(&res->body, "safeharbor_store_group_commit_size", NULL, st.group_size);
		prom_family(&res->body, "safeharbor_store_commit_wait_seconds", "histogram",
			    "Time from queueing a write to its durable commit.");
		prom_histo(&res->body, "safeharbor_store_commit_wait_seconds", NULL,
			   st.commit_wait);
	}
	prom_family(&res->body, "safeharbor_outbox_pending", "gauge",
		    "Notifications waiting to be sent or retried.");
	prom_sample(&res->body, "safeharbor_outbox_pending", NULL, (double)g.outbox_pending);
	prom_family(&res->body, "safeharbor_outbox_failed", "gauge",
		    "Notifications given up after their last attempt (safeharbor notify status "
		    "--failed).");
	prom_sample(&res->body, "safeharbor_outbox_failed", NULL, (double)g.outbox_failed);
	prom_family(&res->body, "safeharbor_summonses_unacknowledged", "gauge",
		    "Summonses of open cases nobody has acknowledged yet.");
	prom_sample(&res->body, "safeharbor_summonses_unacknowledged", NULL,
		    (double)g.summons_unacked);
	prom_family(&res->body, "safeharbor_steps_overdue", "gauge",
		    "Pending protocol steps of open cases past their deadline, by the agency "
		    "kind that owes them.");
	for (int i = 0; i < g.nkinds; i++) {
		buf_reset(&l);
		prom_label(&l, "agency_kind", g.overdue[i].kind);
		prom_sample(&res->body, "safeharbor_steps_overdue", l.data,
			    (double)g.overdue[i].overdue);
	}
	prom_family(&res->body, "safeharbor_escalation_scans_total", "counter",
		    "Escalation scans the notification worker has finished since the start.");
	prom_sample(&res->body, "safeharbor_escalation_scans_total", NULL,
		    (double)notify_worker_scans(app->notifier));
	prom_family(&res->body, "safeharbor_audit_chain_rows", "gauge",
		    "Rows in the audit hash chain.");
	prom_sample(&res->body, "safeharbor_audit_chain_rows", NULL, (double)g.audit_rows);
	buf_release(&l);
	return SH_OK;
}

API_HANDLER(http_metrics)
{
	return render(req, res, err);
}

API_HANDLER(http_metrics_token)
{
	const char *token = req->app->metrics_token, *auth = api_header(req, "Authorization");
	size_t n;

	if (!token || !*token)
		return sh_error_set(err, SH_ENOTFOUND,
				    "no such path: /metrics is served on metrics_listen, or here "
				    "with metrics_token set");
	n = strlen(token);
	if (!auth || strncmp(auth, "Bearer ", 7) || strlen(auth + 7) != n ||
	    sodium_memcmp(auth + 7, token, n)) {
		api_add_header(res, "WWW-Authenticate", "Bearer realm=\"metrics\"");
		return sh_error_set(err, SH_EUNAUTH, "/metrics needs the metrics token");
	}
	return render(req, res, err);
}
