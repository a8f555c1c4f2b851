#ifndef SH_ARENA_H
#define SH_ARENA_H
/*
 * A memory arena: many small allocations freed together (one per request, after
 * h2o's pools). Nothing allocated from it is freed on its own; arena_release()
 * wipes and frees everything at once.
 */
#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;
struct arena_deferred;

struct arena {
	struct arena_chunk *head;
	size_t total;
	struct arena_deferred *deferred; /* arena_defer(), the latest first */
};

#define ARENA_INIT            \
	{                     \
		NULL, 0, NULL \
	}

void arena_init(struct arena *a);
/* Runs what arena_defer() was given (the latest first), then wipes (sodium_memzero) and
 * frees every chunk; the arena is empty and usable again. */
void arena_release(struct arena *a);
/* fn(arg) at arena_release(), for what the arena's data holds outside it (a jansson value
 * kept for the rest of a request). false when out of memory: fn will not run, the caller
 * keeps what arg holds. */
bool arena_defer(struct arena *a, void (*fn)(void *), void *arg);
/* Zeroed memory aligned for any type; NULL only when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
