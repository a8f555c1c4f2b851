#ifndef SH_STATIC_H
#define SH_STATIC_H
/*
 * The web app: GET and HEAD of paths outside /api/ answer with the files of web/,
 * embedded in the binary (http/web_assets.h). Assets live under
 * /assets/<version>/<file> and are cached for good when the version is current;
 * every other page path (/, /cases/SH-..., /admin) is index.html, which the client
 * routes. Every answer carries a strict Content-Security-Policy.
 */
#include <microhttpd.h>
#include <stdbool.h>

/*
 * When method and url name the web app, queues the answer on conn (status in
 * *status, libmicrohttpd's result in *ret) and returns true. Returns false for
 * anything else (API paths, unknown files), which the caller answers with its 404.
 */
bool http_static_serve(struct MHD_Connection *conn, const char *method, const char *url,
		       const char *request_id, int *status, enum MHD_Result *ret);

/* The asset at path (relative to web/), or NULL. */
const struct web_asset *http_static_find(const char *path);

#endif
