/* safeharbor serve: the HTTP API and web app, until SIGTERM or SIGINT. */
#include "lib/common.h"
#include <signal.h>
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/checkpoints.h"
#include "api/notifications.h"
#include "api/search.h"
#include "api/sweep.h"
#include "core/witness.h"
#include "cli/cli.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/telemetry.h"
#include "lib/log.h"
#include "lib/sdnotify.h"
#include "lib/workq.h"

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "listen", required_argument, NULL, CLI_OPT(CONF_LISTEN) },
		{ "protocol", required_argument, NULL, CLI_OPT(CONF_PROTOCOL) },
		{ "protocol-areas", required_argument, NULL, CLI_OPT(CONF_PROTOCOL_AREAS) },
		{ "witness-rules", required_argument, NULL, CLI_OPT(CONF_WITNESS_RULES) },
		{ "offences", required_argument, NULL, CLI_OPT(CONF_OFFENCES) },
		{ "secure-cookies", no_argument, NULL, CLI_OPT(CONF_SECURE_COOKIES) },
		{ "session-idle", required_argument, NULL, CLI_OPT(CONF_SESSION_IDLE) },
		{ "session-max", required_argument, NULL, CLI_OPT(CONF_SESSION_MAX) },
		{ "public-url", required_argument, NULL, CLI_OPT(CONF_PUBLIC_URL) },
		{ "trusted-proxies", required_argument, NULL, CLI_OPT(CONF_TRUSTED_PROXIES) },
		{ "max-conns", required_argument, NULL, CLI_OPT(CONF_MAX_CONNS) },
		{ "max-conns-per-ip", required_argument, NULL, CLI_OPT(CONF_MAX_CONNS_PER_IP) },
		{ "header-timeout", required_argument, NULL, CLI_OPT(CONF_HEADER_TIMEOUT) },
		{ "conn-timeout", required_argument, NULL, CLI_OPT(CONF_CONN_TIMEOUT) },
		{ "db-read-conns", required_argument, NULL, CLI_OPT(CONF_DB_READ_CONNS) },
		{ "db-write-conns", required_argument, NULL, CLI_OPT(CONF_DB_WRITE_CONNS) },
		{ "audit-link-ms", required_argument, NULL, CLI_OPT(CONF_AUDIT_LINK_MS) },
		{ "http-threads", required_argument, NULL, CLI_OPT(CONF_HTTP_THREADS) },
		{ "http-workers", required_argument, NULL, CLI_OPT(CONF_HTTP_WORKERS) },
		{ "checkpoints", required_argument, NULL, CLI_OPT(CONF_CHECKPOINTS) },
		{ "checkpoint-interval", required_argument, NULL,
		  CLI_OPT(CONF_CHECKPOINT_INTERVAL) },
		{ "checkpoint-syslog", no_argument, NULL, CLI_OPT(CONF_CHECKPOINT_SYSLOG) },
		{ "checkpoint-webhook", required_argument, NULL, CLI_OPT(CONF_CHECKPOINT_WEBHOOK) },
		{ "metrics-listen", required_argument, NULL, CLI_OPT(CONF_METRICS_LISTEN) },
		{ "log-format", required_argument, NULL, CLI_OPT(CONF_LOG_FORMAT) },
		{ "log-level", required_argument, NULL, CLI_OPT(CONF_LOG_LEVEL) },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor serve [--config FILE] [--db PATH] [--key-file FILE] [--listen ADDR:PORT]\n"
		"                 [--protocol FILE] [--protocol-areas AREA[,AREA]=FILE;...]\n"
		"                 [--witness-rules FILE] [--offences FILE]\n"
		"                 [--public-url URL]\n"
		"                 [--secure-cookies] [--session-idle S] [--session-max S]\n"
		"                 [--trusted-proxies LIST] [--metrics-listen ADDR:PORT]\n"
		"                 [--max-conns N] [--max-conns-per-ip N] [--header-timeout S]\n"
		"                 [--conn-timeout S] [--http-threads N] [--http-workers N]\n"
		"                 [--db-read-conns N] [--db-write-conns N] [--audit-link-ms N]\n"
		"                 [--checkpoints FILE] [--checkpoint-interval S]\n"
		"                 [--checkpoint-syslog] [--checkpoint-webhook URL]\n"
		"                 [--log-format text|json] [--log-level LEVEL]\n"
		"  Serves until SIGTERM or SIGINT; prints the URL it listens on. Every option is\n"
		"  also a key of the configuration file and a SAFEHARBOR_<KEY> environment\n"
		"  variable (safeharbor.conf(5); `safeharbor config show` prints what is in force).\n"
		"  --listen ADDRESS:PORT   port 0 picks a free port (default 127.0.0.1:8080)\n"
		"  --protocol FILE         the protocol new cases run under (default: the installed\n"
		"                          la-county-frp.protocol); every version loaded is kept, so\n"
		"                          existing cases keep their deadlines\n"
		"  --protocol-areas LIST   areas whose new cases run under another protocol:\n"
		"                          AREA[,AREA...]=FILE entries separated by ';' (each\n"
		"                          file checked at start; a case keeps its protocol)\n"
		"  --witness-rules FILE    CCTV eligibility rules (default: the installed ca-cctv.rules)\n"
		"  --offences FILE         what the arrest guardrail recognises (default: the\n"
		"                          installed ca-offences.rules)\n"
		"  --secure-cookies        mark cookies Secure (TLS is terminated in front of us)\n"
		"  --session-idle SECONDS  sign out after this much inactivity (default 900)\n"
		"  --session-max SECONDS   and after this long in any case (default 43200)\n"
		"  --public-url URL        the address people reach the web app at: base of the\n"
		"                          case links in notifications and of the sign-in\n"
		"                          redirect URI (else the notify.public_url setting)\n"
		"  --trusted-proxies LIST  proxies whose X-Forwarded-For/-Proto are believed\n"
		"  --max-conns N           connections at once, in all (512)\n"
		"  --max-conns-per-ip N    connections at once from one client address (64)\n"
		"  --header-timeout S      silence allowed while a request's headers are awaited (10)\n"
		"  --conn-timeout S        silence allowed while a request is read and answered (30)\n"
		"  --db-read-conns N       database connections that read at once (2)\n"
		"  --db-write-conns N      PostgreSQL: database connections that write at once (4)\n"
		"  --audit-link-ms N       PostgreSQL: the audit linker runs every N ms (200) and\n"
		"                          after each write\n"
		"  --http-threads N        threads that read requests and send answers (one per core)\n"
		"  --http-workers N        threads for the handlers that may block: writes, reports,\n"
		"                          exports (32)\n"
		"  --checkpoints FILE      where checkpoints of the audit chain's head go (default:\n"
		"                          beside the key file, <stem>.checkpoints)\n"
		"  --checkpoint-interval S a checkpoint every S seconds while the chain grows (300),\n"
		"                          and one at start and at a clean stop\n"
		"  --checkpoint-syslog     also send each checkpoint to syslog (authpriv.notice)\n"
		"  --checkpoint-webhook URL also POST each checkpoint there, signed like summonses\n"
		"                          with checkpoint_secret ($SAFEHARBOR_CHECKPOINT_SECRET)\n"
		"  --metrics-listen ADDR:PORT  serve /metrics there (off unless set)\n"
		"  --log-format text|json, --log-level debug|info|warn|error";
	struct sh_error err = SH_ERROR_INIT;
	struct http_server_options ho = { 0 }, mo = { 0 };
	struct http_server *srv = NULL, *msrv = NULL;
	struct app app = { 0 };
	struct cli_target t = { 0 };
	const char *public_url;
	struct notify_worker *notifier = NULL;
	struct checkpointer_options co = { 0 };
	struct checkpointer *checkpointer = NULL;
	struct ticker *sweeper = NULL;
	struct workq *workers = NULL;
	struct audit_keys akeys;
	sigset_t sigs;
	int code = EXIT_OK, sig;
	char state[200];

	app_config_defaults(&app.cfg);
	if (!cli_target_args(argc, argv, opts, usage, &t, &code))
		return code;
	if (cli_target_load(&t, &err))
		goto fail;
	log_set_level((enum log_level)log_level_parse(conf_get(&t.conf, CONF_LOG_LEVEL)));
	log_set_format(strcmp(conf_get(&t.conf, CONF_LOG_FORMAT), "json") ? LOG_TEXT : LOG_JSON);
	if (t.conf.secret_in_world_readable_file)
		log_warn("serve: %s is in a configuration file others may read",
			 t.conf.secret_in_world_readable_file);
	if (*conf_get(&t.conf, CONF_CHECKPOINT_WEBHOOK) &&
	    !*conf_get(&t.conf, CONF_CHECKPOINT_SECRET)) {
		sh_error_set(&err, SH_EINVAL,
			     "checkpoint_webhook needs checkpoint_secret (16 characters or more; "
			     "$SAFEHARBOR_CHECKPOINT_SECRET or the configuration file)");
		goto fail;
	}
	ho.listen = conf_get(&t.conf, CONF_LISTEN);
	ho.trusted_proxies = conf_get(&t.conf, CONF_TRUSTED_PROXIES);
	ho.max_conns = (unsigned)conf_long(&t.conf, CONF_MAX_CONNS);
	ho.max_conns_per_ip = (unsigned)conf_long(&t.conf, CONF_MAX_CONNS_PER_IP);
	ho.header_timeout_s = (unsigned)conf_long(&t.conf, CONF_HEADER_TIMEOUT);
	ho.timeout_s = (unsigned)conf_long(&t.conf, CONF_CONN_TIMEOUT);
	ho.threads = (unsigned)conf_long(&t.conf, CONF_HTTP_THREADS);
	co.path = cli_target_checkpoints(&t);
	co.interval_s = (int)conf_long(&t.conf, CONF_CHECKPOINT_INTERVAL);
	co.syslog = conf_bool(&t.conf, CONF_CHECKPOINT_SYSLOG);
	if (*conf_get(&t.conf, CONF_CHECKPOINT_WEBHOOK)) {
		co.webhook_url = conf_get(&t.conf, CONF_CHECKPOINT_WEBHOOK);
		co.webhook_secret = conf_get(&t.conf, CONF_CHECKPOINT_SECRET);
	}
	mo.listen = conf_get(&t.conf, CONF_METRICS_LISTEN);
	mo.routes = http_metrics_routes;
	mo.nroutes = http_metrics_nroutes;
	mo.no_web_app = true;
	mo.max_conns = 16;
	if (*conf_get(&t.conf, CONF_METRICS_TOKEN))
		app.metrics_token = conf_get(&t.conf, CONF_METRICS_TOKEN);
	app.started_at = (int64_t)time(NULL);
	app.cfg.secure_cookies = conf_bool(&t.conf, CONF_SECURE_COOKIES);
	app.cfg.session_idle_s = (int)conf_long(&t.conf, CONF_SESSION_IDLE);
	app.cfg.session_absolute_s = (int)conf_long(&t.conf, CONF_SESSION_MAX);
	public_url =
		*conf_get(&t.conf, CONF_PUBLIC_URL) ? conf_get(&t.conf, CONF_PUBLIC_URL) : NULL;
	app.public_url = public_url;
	if (*conf_get(&t.conf, CONF_OIDC_CLIENT_SECRET))
		app.oidc_client_secret = conf_get(&t.conf, CONF_OIDC_CLIENT_SECRET);

	/* block the stop signals before any thread starts, so only sigwait() sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.clock = timefmt_system_clock;
	if (cli_open_app(&t, &app, &err))
		goto fail;
	/* the search index of every youth not indexed with this key yet (an upgrade, a key
	 * rotation), before anyone can search */
	{
		size_t indexed;
		if (search_reindex(app.store, &app.keys, clock_now(&app.clock), &indexed, &err))
			goto fail;
		if (indexed)
			log_info("serve: %zu youth indexed for search", indexed);
	}
	if (!(app.telemetry = ho.telemetry = telemetry_new(http_routes, http_nroutes))) {
		sh_error_set(&err, SH_ENOMEM, "out of memory");
		goto fail;
	}
	/* summons delivery and escalation (before the server: it sets up libcurl) */
	if (notifications_start(&app, public_url, &notifier, &err))
		goto fail;
	app.notifier = notifier;
	/* checkpoints of the audit chain's head, outside the database (api/checkpoints.h) */
	co.store = app.store;
	audit_keys_derive(&app.keys, &akeys);
	memcpy(co.key, akeys.checkpoint, sizeof(co.key));
	sodium_memzero(&akeys, sizeof(akeys));
	if (checkpointer_start(&co, &checkpointer, &err))
		goto fail;
	/* accounts unused for accounts.inactive_days are disabled, now and hourly */
	if (sweeper_start(&app, &sweeper, &err))
		goto fail;
	/* the handlers that may block, and PostgreSQL's waits for a commit (store.h) */
	if (workq_start((int)conf_long(&t.conf, CONF_HTTP_WORKERS), &workers, &err))
		goto fail;
	store_use_workers(app.store, workers);
	ho.workers = mo.workers = workers;
	mo.threads = 1;
	if (http_server_start(&app, &ho, &srv, &err))
		goto fail;
	if (*mo.listen && http_server_start(&app, &mo, &msrv, &err))
		goto fail;
	{
		char host[80];
		const char *colon = strrchr(ho.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - ho.listen), ho.listen);
		printf("safeharbor listening on http://%s:%d/\n", host, http_server_port(srv));
		fflush(stdout);
	}
	if (msrv) {
		char host[80];
		const char *colon = strrchr(mo.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - mo.listen), mo.listen);
		printf("safeharbor metrics on http://%s:%d/metrics\n", host,
		       http_server_port(msrv));
		fflush(stdout);
	}
	log_info("serve: schema %d, listening on port %d, county time %s",
		 store_schema_version(app.store), http_server_port(srv), tz_name(app.county.tz));
	/* systemd (Type=notify): ready once the sockets listen */
	snprintf(state, sizeof(state), "READY=1\nSTATUS=serving on port %d\nMAINPID=%ld",
		 http_server_port(srv), (long)getpid());
	if (sdnotify(state, &err))
		log_warn("serve: %s", err.detail);
	sigwait(&sigs, &sig);
	sdnotify("STOPPING=1\nSTATUS=finishing requests in flight", &err);
	log_info("serve: %s received, finishing requests in flight",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_server_stop(msrv);
	http_server_stop(srv);
	workq_stop(workers); /* after the servers, before the store closes */
	notify_worker_stop(notifier);
	ticker_stop(sweeper);
	checkpointer_stop(checkpointer); /* after the last write: the head a clean stop leaves */
	sodium_memzero(co.key, sizeof(co.key));
	app_close(&app);
	telemetry_free(app.telemetry);
	cli_target_release(&t);
	log_info("serve: stopped cleanly");
	return EXIT_OK;
fail:
	http_server_stop(msrv);
	http_server_stop(srv);
	workq_stop(workers); /* after the servers, before the store closes */
	notify_worker_stop(notifier);
	ticker_stop(sweeper);
	checkpointer_stop(checkpointer);
	sodium_memzero(co.key, sizeof(co.key));
	app_close(&app);
	telemetry_free(app.telemetry);
	cli_target_release(&t);
	return cli_fail(&err);
}
