/*
 * libFuzzer target for the HTTP request path, in process: method, path, query, headers
 * and body go through the router, the shared checks (size, content type, credentials)
 * and the handlers of the route table against a synthetic county (fuzz_county.h), as
 * libmicrohttpd hands them over. The input:
 *
 *   byte 0        who asks (fuzz_request.who): a demo user's bearer token or session,
 *                 unless the headers carry their own; or nobody
 *   METHOD SP TARGET LF    "$0".."$9" stand for the ids of the demo's cases, "$T" for
 *                          a minute ago (here and in the body)
 *   (Name: value LF)*      headers
 *   LF
 *   body
 *
 * Invariants: nothing crashes, leaks or reads out of bounds, and no answer is a 500.
 */
#include "lib/common.h"
#include "fuzz_county.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	UNUSED(argc);
	UNUSED(argv);
	fuzz_county_get();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_county *fc = fuzz_county_get();
	struct fuzz_request fr = { 0 };
	struct buf target = BUF_INIT;
	int who;
	const char *p = (const char *)data + 1, *end = (const char *)data + size, *eol, *sp;
	const char *blank;
	char method[16];

	if (size < 2)
		return 0;
	who = data[0] % (2 * fc->nusers + 1);
	fr.who = who == 2 * fc->nusers ? -1 : who;
	/* the request line */
	if (!(eol = memchr(p, '\n', (size_t)(end - p))) ||
	    !(sp = memchr(p, ' ', (size_t)(eol - p))) || sp - p == 0 ||
	    (size_t)(sp - p) >= sizeof(method) || memchr(p, '\0', (size_t)(eol - p)))
		return 0;
	memcpy(method, p, (size_t)(sp - p));
	method[sp - p] = '\0';
	buf_add(&target, sp + 1, (size_t)(eol - sp - 1));
	fr.method = method;
	fr.target = target.data;
	/* headers up to the first empty line, then the body */
	p = eol + 1;
	fr.headers = p;
	blank = p;
	while (blank < end && *blank != '\n') {
		const char *nl = memchr(blank, '\n', (size_t)(end - blank));
		blank = nl ? nl + 1 : end;
	}
	fr.headers_len = (size_t)(blank - p);
	if (memchr(fr.headers, '\0', fr.headers_len)) {
		buf_release(&target);
		return 0; /* libmicrohttpd refuses a NUL in a header */
	}
	fr.body = blank < end ? blank + 1 : end;
	fr.body_len = (size_t)(end - fr.body);
	fuzz_county_call(fc, &fr);
	buf_release(&target);
	return 0;
}
