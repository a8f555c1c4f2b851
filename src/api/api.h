#ifndef SH_API_H
#define SH_API_H
/*
 * What an API handler sees: a decoded request and a response to fill. Nothing here
 * knows libmicrohttpd; http/ fills these structs and sends the result.
 *
 * A handler returns SH_OK after filling res, or an error code with err filled; the
 * caller turns an error into application/problem+json (contract.md).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/error.h"

struct app;
struct principal;
struct audit_deferred;

#define API_MAX_PARAMS 4
#define API_MAX_HEADERS 10

struct api_request {
	const char *method;
	const char *path;
	const char *route;		    /* the matched pattern, e.g. "/api/v1/cases/{id}" */
	const char *params[API_MAX_PARAMS]; /* the {…} segments of the path, in order */
	int nparams;
	const char *body;
	size_t body_len;
	/* lookups into the transport's request; NULL when absent */
	const char *(*header)(void *ctx, const char *name);
	const char *(*query)(void *ctx, const char *name);
	void *ctx;
	struct arena *arena; /* freed when the response has been sent */
	struct app *app;
	const struct principal *who; /* NULL on routes that need no sign-in */
	const char *request_id;
	/* the client's address, from a trusted proxy's X-Forwarded-For when there is one
	 * (http/client_addr.h); "-" when unknown. For throttling, never for the log's detail */
	const char *client_addr;
	bool secure; /* TLS: a trusted proxy said X-Forwarded-Proto: https */
	/* a case the caller named but may not see (casefile_open); api_request_done()
	 * audits the probe once the handler has finished */
	const char *denied_case;
	/* audit batches a read handler left to whoever answers (audit_defer): the HTTP server
	 * holds the body back until they are durable; in the arena */
	struct audit_deferred *deferred;
};

struct api_response {
	int status;
	const char *content_type;
	struct buf body;
	int nheaders;
	struct {
		const char *name, *value; /* arena or static strings */
	} headers[API_MAX_HEADERS];
};

typedef enum sh_code (*api_handler)(struct api_request *req, struct api_response *res,
				    struct sh_error *err);

static inline const char *api_header(const struct api_request *r, const char *name)
{
	return r->header ? r->header(r->ctx, name) : NULL;
}
static inline const char *api_query(const struct api_request *r, const char *name)
{
	return r->query ? r->query(r->ctx, name) : NULL;
}

/*
 * Calls handler fn in process, as who, for the demo, the command line and the benchmarks:
 * a POST of body (consumed; NULL: a GET without one) with an Idempotency-Key header
 * idem_key (NULL: none) on the case case_id (the path's one parameter; NULL: none). On
 * success *out (when out is not NULL) gets the answer as JSON (the caller's to decref) and
 * raw (when not NULL) its bytes.
 */
struct api_call {
	struct app *app;
	const struct principal *who;
	const char *request_id;
	const char *case_id;
	const char *idem_key;
};
enum sh_code api_call(const struct api_call *call, api_handler fn, json_t *body, json_t **out,
		      struct buf *raw, struct sh_error *err);
/* The value of cookie `name` in the Cookie header (copied into the arena), or NULL. */
const char *api_cookie(const struct api_request *req, const char *name);
/* Serialises v (not consumed) as the JSON body with the given status. */
enum sh_code api_reply_json(struct api_response *res, int status, const json_t *v);
/* Same, and releases v. */
enum sh_code api_reply_json_new(struct api_response *res, int status, json_t *v);
void api_add_header(struct api_response *res, const char *name, const char *value);
/* Parses the body as a JSON object; SH_EBADREQ naming the position when it is not. */
json_t *api_body_object(const struct api_request *req, struct sh_error *err);
/* Where people reach this server: the public_url configuration key (without a trailing
 * '/'), else this request's scheme and Host (a malformed Host: localhost). In the arena. */
const char *api_base_url(struct api_request *req);
/* Renders err as application/problem+json into res, its words in lang ("en" or "es"; the
 * type, status and field names never change). */
void api_problem(struct api_response *res, const struct sh_error *err, const char *request_id,
		 const char *lang);
/* The language to answer req's caller in: the signed-in user's `language` preference,
 * else the Accept-Language header's (api_accept_language). "en" or "es", static. */
const char *api_language(struct api_request *req);
/* The best of "en" and "es" in an Accept-Language header (q-values honoured, a tag's
 * region ignored); "en" when neither is acceptable or the header is NULL. Static. */
const char *api_accept_language(const char *header);
/* After the handler: what every request owes the audit whatever the handler did (a probe
 * of a case the caller may not see, as "case.probe" "denied" with the route). */
void api_request_done(struct api_request *req);

#endif
