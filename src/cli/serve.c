/* safeharbor serve: the HTTP API and web app, until SIGTERM or SIGINT. */
#include "lib/common.h"
#include <signal.h>
#include <sodium.h>
#include "api/app.h"
#include "api/audit.h"
#include "api/checkpoints.h"
#include "api/inflight.h"
#include "api/throttle.h"
#include "api/notifications.h"
#include "core/witness.h"
#include "cli/cli.h"
#include "http/server.h"
#include "lib/log.h"

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "protocol", required_argument, NULL, 'p' },
		{ "witness-rules", required_argument, NULL, 'w' },
		{ "secure-cookies", no_argument, NULL, 's' },
		{ "session-idle", required_argument, NULL, 'i' },
		{ "session-max", required_argument, NULL, 'm' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "trusted-proxies", required_argument, NULL, 'T' },
		{ "max-conns", required_argument, NULL, 'M' },
		{ "max-conns-per-ip", required_argument, NULL, 'P' },
		{ "conn-timeout", required_argument, NULL, 'O' },
		{ "header-timeout", required_argument, NULL, 'H' },
		{ "checkpoints", required_argument, NULL, 'C' },
		{ "checkpoint-interval", required_argument, NULL, 'I' },
		{ "checkpoint-syslog", no_argument, NULL, 'S' },
		{ "checkpoint-webhook", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor serve [--db PATH] [--listen 127.0.0.1:8080] [--protocol FILE]\n"
		"                 [--secure-cookies] [--session-idle S] [--session-max S]\n"
		"  Serves until SIGTERM or SIGINT; prints the URL it listens on.\n"
		"  --listen ADDRESS:PORT   port 0 picks a free port\n"
		"  --protocol FILE         the protocol new cases run under (default: $SAFEHARBOR_PROTOCOL,\n"
		"                          else protocols/la-county-frp.protocol); every version loaded\n"
		"                          is kept, so existing cases keep their deadlines\n"
		"  --witness-rules FILE    CCTV eligibility rules (default protocols/ca-cctv.rules)\n"
		"  --secure-cookies        mark cookies Secure (TLS is terminated in front of us)\n"
		"  --session-idle SECONDS  sign out after this much inactivity (default 900)\n"
		"  --session-max SECONDS   and after this long in any case (default 43200)\n"
		"  --public-url URL        base of the case links in notifications (else the\n"
		"                          notify.public_url setting; docs/notifications.md)\n"
		"  --max-conns N           connections at once, in all (512)\n"
		"  --max-conns-per-ip N    connections at once from one client address (64)\n"
		"  --header-timeout S      silence allowed while a request's headers are awaited (10)\n"
		"  --conn-timeout S        silence allowed while a request is read and answered (30)\n"
		"  --trusted-proxies LIST  addresses or prefixes of reverse proxies whose\n"
		"                          X-Forwarded-For names the client (e.g. 127.0.0.1,10.0.0.0/8)\n"
		"  --checkpoints FILE      where checkpoints of the audit chain's head go (default:\n"
		"                          beside the key file, <stem>.checkpoints)\n"
		"  --checkpoint-interval S a checkpoint every S seconds while the chain grows (300),\n"
		"                          and one at start and at a clean stop\n"
		"  --checkpoint-syslog     also send each checkpoint to syslog (authpriv.notice)\n"
		"  --checkpoint-webhook URL also POST each checkpoint there, signed like summonses\n"
		"                          with $SAFEHARBOR_CHECKPOINT_SECRET";
	struct sh_error err = SH_ERROR_INIT;
	struct http_server_options ho = { 0 };
	struct store_options so = { .create = false };
	struct http_server *srv = NULL;
	struct app app = { 0 };
	const char *db = NULL, *protocol = getenv("SAFEHARBOR_PROTOCOL");
	const char *witness_rules = "protocols/ca-cctv.rules";
	const char *public_url = NULL;
	struct notify_worker *notifier = NULL;
	struct checkpointer_options co = { .interval_s = 300 };
	struct checkpointer *checkpointer = NULL;
	struct audit_keys akeys;
	char *cp_default = NULL;
	char *keyfile = NULL;
	sigset_t sigs;
	bool done;
	int code = EXIT_OK, c, sig;

	ho.listen = "127.0.0.1:8080";
	app_config_defaults(&app.cfg);
	while ((c = cli_getopt(argc, argv, opts, usage, &done, &code)) != -1) {
		if (done)
			return code;
		if (c == 'd')
			db = optarg;
		else if (c == 'l')
			ho.listen = optarg;
		else if (c == 'p')
			protocol = optarg;
		else if (c == 'w')
			witness_rules = optarg;
		else if (c == 's')
			app.cfg.secure_cookies = true;
		else if (c == 'u') {
			if (strncmp(optarg, "https://", 8) && strncmp(optarg, "http://", 7))
				return cli_usage_error(usage, "--public-url starts with https://");
			public_url = optarg;
		}
		else if (c == 'C')
			co.path = optarg;
		else if (c == 'T')
			ho.trusted_proxies = optarg;
		else if (c == 'M' || c == 'P' || c == 'O' || c == 'H') {
			char *end;
			long v = strtol(optarg, &end, 10);
			long max = c == 'M' ? 65536 : c == 'P' ? 65536 : 3600;
			if (*end || v < 1 || v > max)
				return cli_usage_error(usage, "--%s takes a number from 1 to %ld",
						       c == 'M' ? "max-conns" : c == 'P' ? "max-conns-per-ip"
						       : c == 'O' ? "conn-timeout" : "header-timeout", max);
			*(c == 'M' ? &ho.max_conns : c == 'P' ? &ho.max_conns_per_ip
			  : c == 'O' ? &ho.timeout_s : &ho.header_timeout_s) = (unsigned)v;
		}
		else if (c == 'S')
			co.syslog = true;
		else if (c == 'W') {
			if (strncmp(optarg, "https://", 8) && strncmp(optarg, "http://", 7))
				return cli_usage_error(usage, "--checkpoint-webhook takes an http(s) URL");
			co.webhook_url = optarg;
		} else if (c == 'I') {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 86400)
				return cli_usage_error(usage, "--checkpoint-interval takes seconds (1 to 86400)");
			co.interval_s = (int)v;
		}
		else if (c == 'i' || c == 'm') {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 30L * 86400)
				return cli_usage_error(usage, "--session-%s takes seconds (1 to 2592000)",
						       c == 'i' ? "idle" : "max");
			*(c == 'i' ? &app.cfg.session_idle_s : &app.cfg.session_absolute_s) = (int)v;
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	db = cli_db_path(db);
	if (co.webhook_url) {
		co.webhook_secret = getenv("SAFEHARBOR_CHECKPOINT_SECRET");
		if (!co.webhook_secret || strlen(co.webhook_secret) < 16)
			return cli_usage_error(usage, "--checkpoint-webhook needs $SAFEHARBOR_CHECKPOINT_SECRET "
						      "(16 characters or more)");
	}

	/* block the stop signals before any thread starts, so only sigwait() sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.clock = timefmt_system_clock;
	keyfile = shcrypto_keyfile_path(db);
	if (!keyfile || shcrypto_keyfile_load(keyfile, &app.keys, &err) || app_prepare(&app, &err))
		goto fail;
	if (!protocol || !*protocol)
		protocol = "protocols/la-county-frp.protocol";
	if (audit_store_open(db, &app.keys, &so, &app.store, &err) ||
	    registry_load(app.store, protocol, clock_now(&app.clock), &app.registry, &err))
		goto fail;
	if (app_load_witness_rules(&app, witness_rules, &err))
		goto fail;
	if (!(app.inflight = inflight_new()) || !(app.throttle = throttle_new())) {
		sh_error_set(&err, SH_ENOMEM, "out of memory");
		goto fail;
	}
	/* summons delivery and escalation (before the server: it sets up libcurl) */
	if (notifications_start(&app, public_url, &notifier, &err))
		goto fail;
	/* checkpoints of the audit chain's head, outside the database (api/checkpoints.h) */
	if (!co.path && !(co.path = cp_default = checkpoints_default_path(keyfile))) {
		sh_error_set(&err, SH_ENOMEM, "out of memory");
		goto fail;
	}
	co.store = app.store;
	audit_keys_derive(&app.keys, &akeys);
	memcpy(co.key, akeys.checkpoint, sizeof(co.key));
	sodium_memzero(&akeys, sizeof(akeys));
	if (checkpointer_start(&co, &checkpointer, &err))
		goto fail;
	if (http_server_start(&app, &ho, &srv, &err))
		goto fail;
	{
		char host[80];
		const char *colon = strrchr(ho.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - ho.listen), ho.listen);
		printf("safeharbor listening on http://%s:%d/\n", host, http_server_port(srv));
		fflush(stdout);
	}
	log_info("serve: schema %d, listening on port %d", store_schema_version(app.store),
		 http_server_port(srv));
	sigwait(&sigs, &sig);
	log_info("serve: %s received, finishing requests in flight",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_server_stop(srv);
	notify_worker_stop(notifier);
	checkpointer_stop(checkpointer); /* after the last write: the head a clean stop leaves */
	registry_release(&app.registry);
	witness_rules_free(app.witness_rules);
	inflight_free(app.inflight);
	throttle_free(app.throttle);
	store_close(app.store);
	shcrypto_keys_release(&app.keys);
	free(keyfile);
	free(cp_default);
	sodium_memzero(co.key, sizeof(co.key));
	log_info("serve: stopped cleanly");
	return EXIT_OK;
fail:
	notify_worker_stop(notifier);
	checkpointer_stop(checkpointer);
	free(cp_default);
	sodium_memzero(co.key, sizeof(co.key));
	registry_release(&app.registry);
	witness_rules_free(app.witness_rules);
	inflight_free(app.inflight);
	throttle_free(app.throttle);
	store_close(app.store);
	if (app.keys.keys)
		shcrypto_keys_release(&app.keys);
	free(keyfile);
	return cli_fail(&err);
}
