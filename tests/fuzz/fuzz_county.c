/* The synthetic county the request fuzzers share: see fuzz_county.h. */
#include "lib/common.h"
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include "api/admin.h"
#include "api/inflight.h"
#include "api/oidc.h"
#include "api/throttle.h"
#include "cli/cli.h"
#include "http/server.h"
#include "lib/jsonh.h"
#include "fuzz_county.h"

static struct fuzz_county county;
static bool made;

static __attribute__((noreturn)) void die(const char *what, const struct sh_error *err)
{
	fprintf(stderr, "fuzz_county: %s%s%s\n", what, err ? ": " : "", err ? err->detail : "");
	abort();
}

static void remove_county(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", county.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_county: could not remove %s\n", county.dir);
}

/* Runs a command of the CLI in process, its output thrown away. */
static void run_cli(int (*cmd)(int, char **), const char *name)
{
	char *argv[] = { (char *)name, "--db", county.db, NULL };
	int out = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY), code;

	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	optind = 0; /* getopt starts afresh */
	code = cmd(3, argv);
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	close(null);
	if (code != EXIT_OK)
		die(name, NULL);
}

/* The demo's users and first cases, read straight from the file. */
static void read_ids(struct fuzz_county *fc)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (sqlite3_open_v2(fc->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("cannot read the county's database", NULL);
	if (sqlite3_prepare_v2(db, "SELECT id, username FROM users ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK)
		die(sqlite3_errmsg(db), NULL);
	while (sqlite3_step(st) == SQLITE_ROW && fc->nusers < FUZZ_MAX_USERS) {
		fc->users[fc->nusers].id = sqlite3_column_int64(st, 0);
		snprintf(fc->users[fc->nusers].username, sizeof(fc->users[0].username), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		fc->nusers++;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT id FROM cases ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db), NULL);
	while (sqlite3_step(st) == SQLITE_ROW && fc->ncases < FUZZ_MAX_CASES)
		snprintf(fc->cases[fc->ncases++], sizeof(fc->cases[0]), "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!fc->nusers || !fc->ncases)
		die("the demo made no users or no cases", NULL);
}

static struct cli_target cli;

/* The app `serve` builds, without the threads (delivery, checkpoints, sweeps). */
static void open_app(struct fuzz_county *fc)
{
	struct cli_target t = cli;
	struct sh_error err = SH_ERROR_INIT;
	struct app *app = &fc->app;

	app_config_defaults(&app->cfg);
	app->clock = timefmt_system_clock;
	app->started_at = (int64_t)time(NULL);
	cli_target_option(&t, CLI_OPT(CONF_DB), fc->db);
	if (cli_target_load(&t, &err) || cli_open_app(&t, app, &err))
		die("cannot open the county", &err);
	cli = t;
}

static int answer(struct fuzz_county *fc, const struct fuzz_request *fr, struct arena *a,
		  struct api_response *res);

/* A bearer token and a signed-in session (cookie and CSRF token) for every user. */
static void sign_in_everyone(struct fuzz_county *fc)
{
	struct sh_error err = SH_ERROR_INIT;

	for (int i = 0; i < fc->nusers; i++) {
		struct fuzz_user *u = &fc->users[i];
		struct admin_token_spec spec = { .label = "fuzz" };
		struct arena a = ARENA_INIT;
		struct api_response res = { 0 };
		struct buf body = BUF_INIT;
		struct fuzz_request fr = { .method = "POST",
					   .target = "/api/v1/session",
					   .headers = "Content-Type: application/json",
					   .who = -1 };
		json_t *v;
		int64_t expires;

		if (admin_token_create(fc->app.store, clock_now(&fc->app.clock), NULL, u->id, &spec,
				       u->token, &expires, &err))
			die("cannot make a token", &err);
		buf_addf(&body, "{\"username\":\"%s\",\"password\":\"demo-password-2026\"}",
			 u->username);
		fr.headers_len = strlen(fr.headers);
		fr.body = body.data;
		fr.body_len = body.len;
		if (answer(fc, &fr, &a, &res) != 200 ||
		    !(v = json_loadb(res.body.data, res.body.len, 0, NULL)))
			die("cannot sign in", NULL);
		snprintf(u->csrf, sizeof(u->csrf), "%s", jsonh_str(v, "csrf_token"));
		json_decref(v);
		for (int h = 0; h < res.nheaders; h++)
			if (!strcmp(res.headers[h].name, "Set-Cookie"))
				snprintf(u->cookie, sizeof(u->cookie), "%.*s",
					 (int)strcspn(res.headers[h].value, ";"),
					 res.headers[h].value);
		buf_release(&res.body);
		buf_release(&body);
		arena_release(&a);
	}
}

/*
 * Requests change the county (a user disabled, a password changed, a session ended):
 * every so many, the database goes back to the copy taken once everyone was signed in,
 * so later runs meet the same county as the first ones.
 */
#define FUZZ_RESTORE_EVERY 256

static void save_pristine(struct fuzz_county *fc)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store_copy_result res;

	snprintf(fc->pristine, sizeof(fc->pristine), "%s/pristine.db", fc->dir);
	if (store_copy(fc->db, fc->pristine, true, 0, NULL, NULL, &res, &err))
		die("cannot copy the county", &err);
}

static void restore_pristine(struct fuzz_county *fc)
{
	struct sh_error err = SH_ERROR_INIT;
	struct store_copy_result res;

	store_close(fc->app.store);
	fc->app.store = NULL;
	if (store_copy(fc->pristine, fc->db, false, 0, NULL, NULL, &res, &err) ||
	    cli_open_store(&cli, &fc->app.store, &err))
		die("cannot restore the county", &err);
}

struct fuzz_county *fuzz_county_get(void)
{
	struct sh_error err = SH_ERROR_INIT;
	struct stat sb;

	if (made)
		return &county;
	umask(077);
	if (shcrypto_init(&err))
		die("libsodium", &err);
	snprintf(county.dir, sizeof(county.dir), "%s/sh-fuzz-XXXXXX",
		 stat("/dev/shm", &sb) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(county.dir))
		die("mkdtemp", NULL);
	atexit(remove_county);
	snprintf(county.db, sizeof(county.db), "%s/county.db", county.dir);
	run_cli(cmd_init, "init");
	run_cli(cmd_demo, "demo");
	read_ids(&county);
	open_app(&county);
	sign_in_everyone(&county);
	save_pristine(&county);
	made = true;
	return &county;
}

/* ---- one request ---- */

struct exchange {
	const struct fuzz_request *req;
	struct arena *arena;
	const char *query; /* after '?', NULL when none */
	const struct fuzz_user *as;
	bool cookie; /* as->cookie and as->csrf, else as->token */
};

/* The value of header `name` among the request's lines (the first one), in the arena. */
static const char *header(void *ctx, const char *name)
{
	struct exchange *x = ctx;
	const char *p = x->req->headers, *end = p ? p + x->req->headers_len : NULL;
	size_t n = strlen(name);

	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		if ((size_t)(line_end - p) > n && p[n] == ':' && !strncasecmp(p, name, n)) {
			const char *v = p + n + 1;
			while (v < line_end && *v == ' ')
				v++;
			return arena_strndup(x->arena, v, (size_t)(line_end - v));
		}
		p = eol ? eol + 1 : end;
	}
	if (!x->as)
		return NULL;
	if (!x->cookie && !strcasecmp(name, "Authorization"))
		return arena_printf(x->arena, "Bearer %s", x->as->token);
	if (x->cookie && !strcasecmp(name, "Cookie"))
		return x->as->cookie;
	if (x->cookie && !strcasecmp(name, "X-CSRF-Token"))
		return x->as->csrf;
	return NULL;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decodes s[0..len) into the arena, and in a query '+' as a space (like
 * libmicrohttpd). */
static char *decode(struct arena *a, const char *s, size_t len, bool plus)
{
	char *out = arena_alloc(a, len + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			*o++ = plus && s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

static const char *query(void *ctx, const char *name)
{
	struct exchange *x = ctx;
	const char *p = x->query;
	size_t n = strlen(name);

	while (p && *p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		const char *key_end = eq ? eq : end;
		char *key = decode(x->arena, p, (size_t)(key_end - p), true);
		if (key && strlen(key) == n && !memcmp(key, name, n))
			return eq ? decode(x->arena, eq + 1, (size_t)(end - eq - 1), true) : "";
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* "$0".."$9": the id of a demo case; "$T": a minute ago (RFC 3339); into the arena. */
static char *expand(const struct fuzz_county *fc, const char *s, size_t len, struct arena *a,
		    size_t *out_len)
{
	struct buf b = BUF_INIT;
	char now[TIMEFMT_RFC3339_LEN], *out;

	timefmt_format_rfc3339(clock_now(&fc->app.clock) - 60, now);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
			buf_adds(&b, fc->cases[(s[++i] - '0') % fc->ncases]);
		else if (s[i] == '$' && i + 1 < len && s[i + 1] == 'T' && ++i)
			buf_adds(&b, now);
		else
			buf_add(&b, &s[i], 1);
	}
	*out_len = b.len;
	if ((out = arena_alloc(a, b.len + 1)))
		memcpy(out, b.data, b.len + 1);
	buf_release(&b);
	if (!out)
		abort();
	return out;
}

/* Routes and answers fr into res (its body initialised here); returns the status. */
static int answer(struct fuzz_county *fc, const struct fuzz_request *fr, struct arena *a,
		  struct api_response *res)
{
	struct api_request req = { 0 };
	struct exchange x = { .req = fr, .arena = a };
	struct http_routing r = { .body_limit = 1024 * 1024 };
	char allow[64], *target, *path;
	size_t target_len, body_len;
	const char *q;

	/* the server's body is a struct buf: NUL-terminated */
	req.body = expand(fc, fr->body ? fr->body : "", fr->body_len, a, &body_len);
	req.body_len = body_len;
	target = expand(fc, fr->target, strlen(fr->target), a, &target_len);
	q = strchr(target, '?');
	path = decode(a, target, q ? (size_t)(q - target) : target_len, false);
	x.query = q ? q + 1 : NULL;
	if (fr->who >= 0) {
		x.as = &fc->users[fr->who % fc->nusers];
		x.cookie = fr->who >= fc->nusers;
	}
	r.match = router_match(http_routes, http_nroutes, fr->method, path, a, &r.route, req.params,
			       &req.nparams, allow, sizeof(allow));
	r.allow = allow;
	if (r.route && r.route->body_limit)
		r.body_limit = r.route->body_limit;
	r.too_big = req.body_len > r.body_limit;
	req.method = fr->method;
	req.path = path;
	req.header = header;
	req.query = query;
	req.ctx = &x;
	req.arena = a;
	req.app = &fc->app;
	req.request_id = "fuzz";
	req.client_addr = "192.0.2.1";
	buf_init(&res->body, 0);
	http_answer(&r, &req, res);
	if (getenv("FUZZ_TRACE")) /* what the seeds reach: FUZZ_TRACE=1 fuzz_x -runs=0 seeds/x */
		fprintf(stderr, "%s %s -> %d %.200s\n", fr->method,
			r.route ? r.route->pattern : path, res->status,
			res->status >= 300 ? res->body.data : "");
	if (res->status == 500) {
		fprintf(stderr, "fuzz_county: %s %s answered 500: %s\n", fr->method,
			r.route ? r.route->pattern : "-", res->body.data);
		abort();
	}
	return res->status;
}

int fuzz_county_call(struct fuzz_county *fc, const struct fuzz_request *fr)
{
	static unsigned calls;
	struct arena a = ARENA_INIT;
	struct api_response res = { 0 };
	int status = answer(fc, fr, &a, &res);

	buf_release(&res.body);
	arena_release(&a);
	if (++calls % FUZZ_RESTORE_EVERY == 0)
		restore_pristine(fc);
	return status;
}
