#ifndef SH_FUZZ_COUNTY_H
#define SH_FUZZ_COUNTY_H
/*
 * A synthetic county for the fuzzers of whole requests (fuzz_http.c, fuzz_json.c): made
 * once per process by `safeharbor init` and `safeharbor demo` in process, on tmpfs when
 * there is one (writes are fsynced), with a bearer token for every demo user. Requests go
 * through http_answer(), the function libmicrohttpd's threads call, without a socket.
 */
#include "api/app.h"
#include "api/api.h"

#define FUZZ_MAX_USERS 32
#define FUZZ_MAX_CASES 10

struct fuzz_user {
	int64_t id;
	char username[64];
	char token[72];	 /* a bearer token (scope write) */
	char cookie[96]; /* "sh_session=..." of a session signed in with the password */
	char csrf[72];	 /* the session's CSRF token */
};

struct fuzz_county {
	struct app app;
	char dir[64], db[96], pristine[96];
	int nusers; /* the demo's users, by id */
	struct fuzz_user users[FUZZ_MAX_USERS];
	int ncases;
	char cases[FUZZ_MAX_CASES][17];
};

/*
 * One request as a transport hands it over: headers as "Name: value" lines. In target and
 * body "$0".."$9" stand for the ids of the demo's first cases and "$T" for a minute ago.
 */
struct fuzz_request {
	const char *method;
	const char *target;  /* path, then ?query (raw) */
	const char *headers; /* "Name: value\n" lines; NULL: none */
	size_t headers_len;
	const char *body;
	size_t body_len;
	/* who asks, when the headers do not say: users[who] with its bearer token, or
	 * users[who - nusers] with its session cookie and CSRF token; -1: nobody */
	int who;
};

/* Makes the county (aborts the process when it cannot: a fuzzer without one is useless). */
struct fuzz_county *fuzz_county_get(void);

/*
 * Routes and answers req like the server does; aborts on an answer a client could
 * never deserve (a 500: the handler met something it did not expect). Returns the status.
 */
int fuzz_county_call(struct fuzz_county *fc, const struct fuzz_request *req);

#endif
