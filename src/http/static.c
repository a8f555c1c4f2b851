/* The web app's files, embedded in the binary (http/static.h). */
#include "lib/common.h"
#include "http/static.h"
#include "http/web_assets.h"

#define ASSETS_PREFIX "/assets/"
#define INDEX "index.html"
#define SERVICE_WORKER "sw.js"

/*
 * Scripts and styles only from files we serve (no inline script or style, nothing
 * from elsewhere); the DOM is built without HTML strings, so Trusted Types can
 * forbid every HTML-string sink. One policy may be made, once: safeharbor-sw, which
 * turns the one URL /sw.js into a script URL for registering the service worker
 * (web/js/main.js) and nothing else.
 */
static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
			  "img-src 'self'; connect-src 'self'; manifest-src 'self'; "
			  "worker-src 'self'; form-action 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'; require-trusted-types-for 'script'; "
			  "trusted-types safeharbor-sw";

const struct web_asset *http_static_find(const char *path)
{
	for (size_t i = 0; i < web_nassets; i++)
		if (!strcmp(web_assets[i].path, path))
			return &web_assets[i];
	return NULL;
}

/* Does Accept-Encoding allow gzip? ("gzip;q=0" says no.) */
static bool accepts_gzip(const char *ae)
{
	for (const char *p = ae; p && *p; p++) {
		const char *after = p + 4;
		if (strncasecmp(p, "gzip", 4) || (p != ae && p[-1] != ',' && p[-1] != ' '))
			continue;
		while (*after == ' ')
			after++;
		if (*after == ';') {
			const char *q = strchr(after, '=');
			char *end;
			if (q && strtod(q + 1, &end) == 0.0 && end != q + 1)
				return false;
			return true;
		}
		if (*after == '\0' || *after == ',')
			return true;
	}
	return false;
}

/* Does If-None-Match name this ETag (weak comparison, RFC 9110 13.1.2)? */
static bool not_modified(const char *inm, const char *etag)
{
	const char *opaque = etag + 2; /* skip W/ */

	if (!inm)
		return false;
	if (!strcmp(inm, "*"))
		return true;
	return strstr(inm, opaque) != NULL;
}

/* The page paths the client routes: no file extension in the last segment. */
static bool is_page(const char *url)
{
	const char *last = strrchr(url, '/');

	return !strchr(last ? last : url, '.');
}

bool http_static_serve(struct MHD_Connection *conn, const char *method, const char *url,
		       const char *request_id, int *status, enum MHD_Result *ret)
{
	const struct web_asset *a = NULL;
	const char *cache = "no-cache";
	struct MHD_Response *r;
	bool gz = false;
	unsigned code = MHD_HTTP_OK;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return false;
	if (!strncmp(url, "/api/", 5) || !strcmp(url, "/api"))
		return false;
	if (!strncmp(url, ASSETS_PREFIX, strlen(ASSETS_PREFIX))) {
		/* /assets/<version>/<path>: any version answers with today's file, but only
		 * the current one may be kept for good */
		const char *version = url + strlen(ASSETS_PREFIX), *slash = strchr(version, '/');
		if (!slash || !slash[1] || strstr(slash, "/.") || !strcmp(slash + 1, INDEX))
			return false;
		a = http_static_find(slash + 1);
		if (a && (size_t)(slash - version) == strlen(web_version) &&
		    !strncmp(version, web_version, (size_t)(slash - version)))
			cache = "public, max-age=31536000, immutable";
	} else if (!strcmp(url, "/" SERVICE_WORKER)) {
		/* the service worker: at the root, so its scope covers every page; revalidated
		 * at each visit, so a new binary's worker takes over */
		a = http_static_find(SERVICE_WORKER);
	} else if (is_page(url)) {
		a = http_static_find(INDEX);
	}
	if (!a)
		return false;

	if (not_modified(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_IF_NONE_MATCH),
			 a->etag)) {
		code = MHD_HTTP_NOT_MODIFIED;
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		gz = a->gz && accepts_gzip(MHD_lookup_connection_value(
				      conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
		/* static storage: libmicrohttpd sends it without a copy */
		r = MHD_create_response_from_buffer(gz ? a->gz_len : a->len,
						    (void *)(gz ? a->gz : a->data),
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r) {
		*ret = MHD_NO;
		return true;
	}
	if (code == MHD_HTTP_OK) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
		if (gz)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, a->etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Request-Id", request_id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
				"camera=(), microphone=(), geolocation=(), payment=()");
	*status = (int)code;
	*ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return true;
}
