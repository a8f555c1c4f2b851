/*
 * libFuzzer target for every request body's JSON validation: each route of the table that
 * takes a body (POST, PUT, PATCH) gets arbitrary bytes as its JSON, through its handler
 * (the parse, jsonh_check with the handler's field tables, its own checks) against the
 * synthetic county of fuzz_county.h, as a user who may call it. The input:
 *
 *   byte 0   the route (among those that take a body)
 *   byte 1   who asks: a demo user with a bearer token or a session (fuzz_request.who)
 *   byte 2   the path's ids: a demo case for a case route, else a small number
 *   rest     the body, sent as application/json with a new Idempotency-Key ("$T" in it:
 *            a minute ago, fuzz_county.h)
 *
 * Invariants: nothing crashes, leaks or reads out of bounds, and no answer is a 500.
 */
#include "lib/common.h"
#include "http/router.h"
#include "fuzz_county.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const struct route *body_routes[128];
static size_t nbody_routes;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	UNUSED(argc);
	UNUSED(argv);
	fuzz_county_get();
	for (size_t i = 0; i < http_nroutes && nbody_routes < ARRAY_SIZE(body_routes); i++) {
		const char *m = http_routes[i].method;
		if (!strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH"))
			body_routes[nbody_routes++] = &http_routes[i];
	}
	return 0;
}

/* The route's pattern with each {…} filled: a case id on case routes, else a number. */
static void fill_path(const struct fuzz_county *fc, const char *pattern, uint8_t pick,
		      struct buf *out)
{
	bool cases = !strncmp(pattern, "/api/v1/cases/", 14);

	for (const char *p = pattern; *p; p++) {
		const char *close;
		if (*p != '{' || !(close = strchr(p, '}'))) {
			buf_add(out, p, 1);
			continue;
		}
		if (cases)
			buf_adds(out, fc->cases[pick % fc->ncases]);
		else if (!strncmp(p, "{key}", 5))
			buf_adds(out, pick % 2 ? "cases" : "x");
		else
			buf_addf(out, "%d", 1 + pick % 16);
		p = close;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_county *fc = fuzz_county_get();
	struct fuzz_request fr = { 0 };
	const struct route *route;
	struct buf path = BUF_INIT, headers = BUF_INIT;
	static unsigned long key;

	if (size < 3)
		return 0;
	route = body_routes[data[0] % nbody_routes];
	fill_path(fc, route->pattern, data[2], &path);
	fr.method = route->method;
	fr.target = path.data;
	buf_addf(&headers, "Content-Type: application/json\nIdempotency-Key: fuzz-%lu\n", ++key);
	fr.headers = headers.data;
	fr.headers_len = headers.len;
	fr.who = data[1] % (2 * fc->nusers);
	fr.body = (const char *)data + 3;
	fr.body_len = size - 3;
	fuzz_county_call(fc, &fr);
	buf_release(&path);
	buf_release(&headers);
	return 0;
}
