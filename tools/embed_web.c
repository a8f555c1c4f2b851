/*
 * embed_web: turns the files of web/ into C (build/gen/web_assets.c) so that the
 * installed binary needs no web directory. Build-time tool, run by the Makefile:
 *
 *   embed_web OUT.c ROOT FILE...      FILE is a path relative to ROOT
 *
 * For each file it emits the bytes, a gzip copy (when smaller), the content type and
 * a weak ETag. "@VERSION@" in .html files becomes a hash of every file, so pages can
 * name their assets under /assets/<version>/ and those be cached for good.
 * Output is written to OUT.c.tmp and renamed, so a failed run leaves no half file.
 */
#include "lib/common.h"
#include <zlib.h>

#define VERSION_MARK "@VERSION@"
#define MAX_FILE (4 * 1024 * 1024)

struct file {
	const char *name;
	unsigned char *data;
	size_t len;
	unsigned char *gz;
	size_t gz_len;
	char etag[24];
};

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static const char *content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".woff2", "font/woff2" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (ends_with(name, types[i].ext))
			return types[i].type;
	return NULL;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t n = 0, cap = 0, got;
	int rc = -1;

	if (!f) {
		fprintf(stderr, "embed_web: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			unsigned char *q;
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE + 1) {
				fprintf(stderr, "embed_web: %s: larger than %d bytes\n", path, MAX_FILE);
				goto out;
			}
			if (!(q = realloc(p, cap)))
				goto out;
			p = q;
		}
		got = fread(p + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "embed_web: %s: read error\n", path);
		goto out;
	}
	p[n] = '\0';
	*out = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	free(p);
	fclose(f);
	return rc;
}

/* Replaces every VERSION_MARK in f's data with version. */
static int substitute(struct file *f, const char *version)
{
	size_t mark = strlen(VERSION_MARK), vlen = strlen(version), count = 0, n = 0;
	unsigned char *out, *p;

	for (p = f->data; (p = (unsigned char *)strstr((char *)p, VERSION_MARK)); p += mark)
		count++;
	if (!count)
		return 0;
	out = malloc(f->len + count * vlen + 1);
	if (!out)
		return -1;
	for (size_t i = 0; i < f->len;) {
		if (i + mark <= f->len && !memcmp(f->data + i, VERSION_MARK, mark)) {
			memcpy(out + n, version, vlen);
			n += vlen;
			i += mark;
		} else {
			out[n++] = f->data[i++];
		}
	}
	out[n] = '\0';
	free(f->data);
	f->data = out;
	f->len = n;
	return 0;
}

/* gzip (RFC 1952) at the best level; zlib writes mtime 0, so the output is reproducible. */
static int gzip(struct file *f)
{
	z_stream z = { 0 };
	uLong cap = compressBound((uLong)f->len) + 64;
	int rc;

	f->gz = malloc(cap);
	if (!f->gz)
		return -1;
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = f->data;
	z.avail_in = (uInt)f->len;
	z.next_out = f->gz;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	f->gz_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		return -1;
	if (f->gz_len + 64 >= f->len) { /* not worth a Content-Encoding */
		free(f->gz);
		f->gz = NULL;
		f->gz_len = 0;
	}
	return 0;
}

static void emit_bytes(FILE *out, const char *name, const unsigned char *p, size_t n)
{
	fprintf(out, "static const unsigned char %s[%zu] = {", name, n + 1);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%u,", i % 24 ? "" : "\n\t", p[i]);
	fprintf(out, "\n\t0\n};\n");
}

static void emit_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int main(int argc, char **argv)
{
	struct file *files;
	char version[17], tmp[4096], var[32];
	uint64_t h = 14695981039346656037ULL;
	int n = argc - 3;
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: embed_web OUT.c ROOT FILE...\n");
		return 2;
	}
	if (!(files = calloc((size_t)n, sizeof(*files))))
		return 1;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct file *f = &files[i];

		f->name = argv[3 + i];
		if (strstr(f->name, "..") || f->name[0] == '/' || !content_type(f->name)) {
			fprintf(stderr, "embed_web: %s: not a web file this tool knows (extension?)\n",
				f->name);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s", argv[2], f->name);
		if (read_file(path, &f->data, &f->len))
			return 1;
		h = fnv1a(h, f->name, strlen(f->name) + 1);
		h = fnv1a(h, f->data, f->len);
	}
	snprintf(version, sizeof(version), "%016" PRIx64, h);
	version[10] = '\0'; /* short enough for a URL, long enough to never collide here */
	for (int i = 0; i < n; i++) {
		struct file *f = &files[i];
		if ((ends_with(f->name, ".html") && substitute(f, version)) || gzip(f)) {
			fprintf(stderr, "embed_web: %s: out of memory or zlib failed\n", f->name);
			return 1;
		}
		snprintf(f->etag, sizeof(f->etag), "W/\"%016" PRIx64 "\"",
			 fnv1a(14695981039346656037ULL, f->data, f->len));
	}

	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	if (!(out = fopen(tmp, "w"))) {
		fprintf(stderr, "embed_web: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fprintf(out, "/* Generated by tools/embed_web from web/: do not edit. */\n"
		     "#include \"lib/common.h\"\n#include \"http/web_assets.h\"\n\n");
	fprintf(out, "const char web_version[] = \"%s\";\n\n", version);
	for (int i = 0; i < n; i++) {
		snprintf(var, sizeof(var), "raw_%d", i);
		emit_bytes(out, var, files[i].data, files[i].len);
		if (files[i].gz) {
			snprintf(var, sizeof(var), "gz_%d", i);
			emit_bytes(out, var, files[i].gz, files[i].gz_len);
		}
	}
	fprintf(out, "\nconst struct web_asset web_assets[] = {\n");
	for (int i = 0; i < n; i++) {
		const struct file *f = &files[i];
		fprintf(out, "\t{ ");
		emit_string(out, f->name);
		fprintf(out, ", ");
		emit_string(out, content_type(f->name));
		fprintf(out, ", raw_%d, %zu, ", i, f->len);
		if (f->gz)
			fprintf(out, "gz_%d, %zu, ", i, f->gz_len);
		else
			fprintf(out, "NULL, 0, ");
		emit_string(out, f->etag);
		fprintf(out, " },\n");
	}
	fprintf(out, "};\n\nconst size_t web_nassets = %d;\n", n);
	if (fclose(out) || rename(tmp, argv[1])) {
		fprintf(stderr, "embed_web: cannot write %s: %s\n", argv[1], strerror(errno));
		unlink(tmp);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		free(files[i].data);
		free(files[i].gz);
	}
	free(files);
	return 0;
}
