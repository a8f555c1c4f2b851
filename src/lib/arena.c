#include "lib/common.h"
#include "lib/arena.h"
#include <sodium.h>

#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct arena_deferred {
	struct arena_deferred *next;
	void (*fn)(void *);
	void *arg;
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
	a->deferred = NULL;
}

bool arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_deferred *d = arena_alloc(a, sizeof(*d));

	if (!d)
		return false;
	d->fn = fn;
	d->arg = arg;
	d->next = a->deferred;
	a->deferred = d;
	return true;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c, *next;

	/* each one may still read the arena (its own record is in a chunk) */
	for (struct arena_deferred *d = a->deferred; d; d = d->next)
		d->fn(d->arg);
	a->deferred = NULL;
	c = a->head;
	while (c) {
		next = c->next;
		sodium_memzero(c->data, c->used);
		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct arena_chunk *c = a->head;
	size_t need = (size + align - 1) / align * align;
	void *p;

	if (size == 0)
		need = align;
	if (!c || c->size - c->used < need) {
		size_t sz = need > ARENA_CHUNK ? need : ARENA_CHUNK;
		c = malloc(sizeof(*c) + sz);
		if (!c)
			return NULL;
		c->size = sz;
		c->used = 0;
		/* a big one-off allocation goes behind the current chunk so its free space stays usable */
		if (a->head && need > ARENA_CHUNK) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->total += sz;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	int n;
	char *p;

	va_start(ap, fmt);
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !(p = arena_alloc(a, (size_t)n + 1))) {
		va_end(ap);
		return NULL;
	}
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
