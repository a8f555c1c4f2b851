/* safeharbor serve: the HTTP API and web app, until SIGTERM or SIGINT. */
#include "lib/common.h"
#include <signal.h>
#include "api/app.h"
#include "cli/cli.h"
#include "http/server.h"
#include "lib/log.h"

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "secure-cookies", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char usage[] =
		"safeharbor serve [--db PATH] [--listen 127.0.0.1:8080] [--secure-cookies]\n"
		"  Serves until SIGTERM or SIGINT; prints the URL it listens on.\n"
		"  --listen ADDRESS:PORT   port 0 picks a free port\n"
		"  --secure-cookies        mark cookies Secure (TLS is terminated in front of us)";
	struct sh_error err = SH_ERROR_INIT;
	struct http_server_options ho = { 0 };
	struct store_options so = { .create = false };
	struct http_server *srv = NULL;
	struct app app = { 0 };
	const char *db = NULL;
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
		else if (c == 's')
			app.cfg.secure_cookies = true;
	}
	if (optind < argc)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	db = cli_db_path(db);

	/* block the stop signals before any thread starts, so only sigwait() sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	app.clock = timefmt_system_clock;
	keyfile = shcrypto_keyfile_path(db);
	if (!keyfile || shcrypto_keyfile_load(keyfile, &app.keys, &err))
		goto fail;
	if (store_open(db, &so, &app.store, &err))
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
	store_close(app.store);
	shcrypto_keys_release(&app.keys);
	free(keyfile);
	log_info("serve: stopped cleanly");
	return EXIT_OK;
fail:
	store_close(app.store);
	if (app.keys.keys)
		shcrypto_keys_release(&app.keys);
	free(keyfile);
	return cli_fail(&err);
}
