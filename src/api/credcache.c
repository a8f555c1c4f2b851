#include "lib/common.h"
#include <pthread.h>
#include <sodium.h>
#include "api/credcache.h"

/* The strings of an entry, in this order, NUL-separated in one block. */
enum {
	S_USERNAME,
	S_DISPLAY,
	S_ROLE,
	S_AGENCY_NAME,
	S_AGENCY_KIND,
	S_SCOPE,
	S_STAGE,
	S_CSRF,
	S_METHOD,
	S_COUNT
};

struct entry {
	uint64_t gen; /* 0: empty */
	bool session;
	char hash[65];
	int64_t user_id, agency_id, last_active_at;
	bool disabled, agency_disabled;
	int64_t token_id, expires_at;  /* a token */
	int64_t created_at, last_seen; /* a session */
	char *strings;
	size_t strings_len;
};

struct credcache {
	pthread_mutex_t mu;
	struct entry slots[CREDCACHE_SLOTS];
};

struct credcache *credcache_new(void)
{
	struct credcache *cc = calloc(1, sizeof(*cc));

	if (cc)
		pthread_mutex_init(&cc->mu, NULL);
	return cc;
}

static void entry_clear(struct entry *e)
{
	if (e->strings) {
		sodium_memzero(e->strings, e->strings_len);
		free(e->strings);
	}
	sodium_memzero(e, sizeof(*e));
}

void credcache_free(struct credcache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < CREDCACHE_SLOTS; i++)
		entry_clear(&cc->slots[i]);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}

/* The hash is uniform (BLAKE2b): its first hex digits pick the slot. */
static struct entry *slot_of(struct credcache *cc, const char *hash)
{
	uint32_t v = 0;

	for (int i = 0; i < 8 && hash[i]; i++) {
		char ch = hash[i];
		v = v << 4 | (uint32_t)(ch >= 'a'   ? ch - 'a' + 10
					: ch >= 'A' ? ch - 'A' + 10
						    : ch - '0');
	}
	return &cc->slots[v % CREDCACHE_SLOTS];
}

bool credcache_get(struct credcache *cc, uint64_t gen, bool session, const char *hash,
		   struct arena *a, struct token_rec *t, struct session_rec *s, struct user_rec *u)
{
	const char *str[S_COUNT];
	char *copy = NULL;
	struct entry *e;
	bool hit = false;

	if (!cc || !gen || strlen(hash) != 64)
		return false;
	pthread_mutex_lock(&cc->mu);
	e = slot_of(cc, hash);
	if (e->gen == gen && e->session == session && !strcmp(e->hash, hash)) {
		copy = arena_alloc(a, e->strings_len);
		if (copy) {
			memcpy(copy, e->strings, e->strings_len);
			hit = true;
			memset(u, 0, sizeof(*u));
			u->id = e->user_id;
			u->agency_id = e->agency_id;
			u->last_active_at = e->last_active_at;
			u->disabled = e->disabled;
			u->agency_disabled = e->agency_disabled;
			if (session) {
				memset(s, 0, sizeof(*s));
				s->user_id = e->user_id;
				s->created_at = e->created_at;
				s->last_seen = e->last_seen;
			} else {
				memset(t, 0, sizeof(*t));
				t->id = e->token_id;
				t->user_id = e->user_id;
				t->expires_at = e->expires_at;
			}
		}
	}
	pthread_mutex_unlock(&cc->mu);
	if (!hit)
		return false;
	for (int i = 0; i < S_COUNT; i++) {
		str[i] = copy;
		copy += strlen(copy) + 1;
	}
	u->username = str[S_USERNAME];
	u->display_name = str[S_DISPLAY];
	u->role = str[S_ROLE];
	u->agency_name = str[S_AGENCY_NAME];
	u->agency_kind = str[S_AGENCY_KIND];
	if (session) {
		s->stage = str[S_STAGE];
		s->csrf_token = str[S_CSRF];
		s->method = str[S_METHOD];
	} else {
		t->scope = *str[S_SCOPE] ? str[S_SCOPE] : NULL;
	}
	return true;
}

void credcache_put(struct credcache *cc, uint64_t gen, bool session, const char *hash,
		   const struct token_rec *t, const struct session_rec *s, const struct user_rec *u)
{
	const char *str[S_COUNT] = {
		u->username,
		u->display_name,
		u->role,
		u->agency_name,
		u->agency_kind,
		session ? NULL : t->scope,
		session ? s->stage : NULL,
		session ? s->csrf_token : NULL,
		session ? s->method : NULL,
	};
	size_t len = 0, at = 0;
	struct entry n = { 0 }, *e;

	if (!cc || !gen || strlen(hash) != 64)
		return;
	for (int i = 0; i < S_COUNT; i++)
		len += (str[i] ? strlen(str[i]) : 0) + 1;
	if (!(n.strings = malloc(len)))
		return;
	for (int i = 0; i < S_COUNT; i++) {
		size_t k = str[i] ? strlen(str[i]) : 0;
		if (k)
			memcpy(n.strings + at, str[i], k);
		n.strings[at + k] = '\0';
		at += k + 1;
	}
	n.strings_len = len;
	n.gen = gen;
	n.session = session;
	memcpy(n.hash, hash, 65);
	n.user_id = u->id;
	n.agency_id = u->agency_id;
	n.last_active_at = u->last_active_at;
	n.disabled = u->disabled;
	n.agency_disabled = u->agency_disabled;
	if (session) {
		n.created_at = s->created_at;
		n.last_seen = s->last_seen;
	} else {
		n.token_id = t->id;
		n.expires_at = t->expires_at;
	}
	pthread_mutex_lock(&cc->mu);
	e = slot_of(cc, hash);
	entry_clear(e);
	*e = n;
	pthread_mutex_unlock(&cc->mu);
}
