#ifndef SH_WEB_ASSETS_H
#define SH_WEB_ASSETS_H
/*
 * The files of web/, embedded at build time by tools/embed_web into
 * build/gen/web_assets.c (see the Makefile). Read-only, static storage.
 */
#include <stddef.h>

struct web_asset {
	const char *path;	  /* relative to web/, e.g. "js/app.js" */
	const char *content_type; /* with charset for text */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* gzip of data, NULL when it would not be smaller */
	size_t gz_len;
	const char *etag; /* weak: the same for both encodings */
};

extern const struct web_asset web_assets[];
extern const size_t web_nassets;
/* A hash of every file; pages name their assets under /assets/<web_version>/. */
extern const char web_version[];

#endif
