#include "lib/common.h"
#include "lib/buf.h"
#include <sodium.h>

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_wipe(struct buf *b)
{
	if (b->cap)
		sodium_memzero(b->data, b->cap);
	buf_release(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	/* an empty buffer points at the shared buf_empty, which no thread writes */
	if (b->cap)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (len)
		*len = b->len;
	if (!b->cap)
		s = calloc(1, 1);
	else
		s = b->data;
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	return s;
}

enum sh_code buf_grow(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX / 2 - b->len)
		return SH_ETOOBIG;
	need = b->len + extra + 1;
	if (b->max && need > b->max + 1)
		return SH_ETOOBIG;
	if (need <= b->cap)
		return SH_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->max && cap > b->max + 1)
		cap = b->max + 1;
	p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p)
		return SH_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return SH_OK;
}

enum sh_code buf_add(struct buf *b, const void *data, size_t len)
{
	enum sh_code rc = buf_grow(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return SH_OK;
}

enum sh_code buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum sh_code buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

enum sh_code buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	enum sh_code rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return SH_EINTERNAL;
	rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return SH_OK;
}

size_t buf_int_text(int64_t v, char out[BUF_INT_TEXT_MAX])
{
	char tmp[BUF_INT_TEXT_MAX], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(out, p, n);
	return n;
}

enum sh_code buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum sh_code rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

enum sh_code buf_add_html(struct buf *b, const char *s)
{
	enum sh_code rc = SH_OK;

	for (; *s && !rc; s++) {
		switch (*s) {
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		case '\'': rc = buf_adds(b, "&#39;"); break;
		default: rc = buf_addch(b, *s);
		}
	}
	return rc;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->cap || len >= b->cap)
		return;
	b->len = len;
	b->data[len] = '\0';
}

enum sh_code buf_add_urlencoded(struct buf *b, const char *s)
{
	enum sh_code rc = SH_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++)
		rc = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			     ? buf_addch(b, (char)*p)
			     : buf_addf(b, "%%%02X", *p);
	return rc;
}

enum sh_code buf_read_file(struct buf *b, const char *path, struct buf *errors)
{
	struct buf ignored = BUF_INIT;
	enum sh_code rc = SH_OK;
	char chunk[8192];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!errors)
		errors = &ignored;
	if (!fp) {
		buf_addf(errors, "%s: cannot open: %s\n", path, strerror(errno));
		rc = SH_EIO;
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		rc = buf_add(b, chunk, n);
		if (rc == SH_ETOOBIG)
			buf_addf(errors, "%s: larger than %zu bytes\n", path, b->max);
		if (rc)
			goto out;
	}
	if (ferror(fp)) {
		buf_addf(errors, "%s: cannot read: %s\n", path, strerror(errno));
		rc = SH_EIO;
	}
out:
	if (fp)
		fclose(fp);
	buf_release(&ignored);
	return rc;
}
