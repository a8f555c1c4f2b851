#ifndef SH_BUF_H
#define SH_BUF_H
/*
 * The one string buffer (after Git's strbuf and curl's dynbuf). `data` is never
 * NULL and always NUL-terminated. A buffer fed from the network gets a maximum size:
 * appends past it fail with SH_ETOOBIG and leave the buffer unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"

struct buf {
	char *data;
	size_t len;
	size_t cap; /* 0 while data points at the shared empty string */
	size_t max; /* 0 = unbounded */
};

extern char buf_empty[1];
#define BUF_INIT                   \
	{                          \
		buf_empty, 0, 0, 0 \
	}

void buf_init(struct buf *b, size_t max);
/* Frees what the buffer holds and leaves it empty and usable. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b); /* length 0, keeps memory */
/* Wipes the contents (sodium_memzero) and releases: for secrets and personal data. */
void buf_wipe(struct buf *b);
/* Hands the string to the caller, who frees it with free(); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

enum sh_code buf_grow(struct buf *b, size_t extra);
enum sh_code buf_add(struct buf *b, const void *data, size_t len);
enum sh_code buf_adds(struct buf *b, const char *s);
enum sh_code buf_addch(struct buf *b, char c);
enum sh_code buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum sh_code buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* v in decimal, as printf's %" PRId64 " writes it, at the start of out (no NUL); returns
 * its length. For hot writers that append the digits themselves (lib/jsonw, the reports). */
#define BUF_INT_TEXT_MAX 20
size_t buf_int_text(int64_t v, char out[BUF_INT_TEXT_MAX]);
/* Appends s percent-encoded for a URL (RFC 3986: all but letters, digits and -._~). */
enum sh_code buf_add_urlencoded(struct buf *b, const char *s);
/* Appends s with &, <, >, " and ' escaped for HTML text and attributes. */
enum sh_code buf_add_html(struct buf *b, const char *s);
void buf_setlen(struct buf *b, size_t len);
/*
 * Appends the file at path (at most b->max bytes in all when b has a maximum). A file that
 * cannot be opened is SH_EIO, one too large SH_ETOOBIG, a read error SH_EIO, each with a
 * line "PATH: cannot open: why", "PATH: larger than N bytes" or "PATH: cannot read: why"
 * appended to errors (NULL: not).
 */
enum sh_code buf_read_file(struct buf *b, const char *path, struct buf *errors);

#endif
