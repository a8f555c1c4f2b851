#include "lib/common.h"
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include "api/throttle.h"
#include "lib/netaddr.h"

#define PAIR_FREE 5	/* failures in a row of one account from one address */
#define ADDR_FREE 20	/* failures in a row from one address, any accounts */
#define ACCOUNT_FREE 25 /* failures of one account from anywhere, 15 minutes apart at most */
#define LOCK_BASE_S 30	/* the first lock; doubles with each further failure */
#define LOCK_MAX_S 900
#define FORGET_S 900  /* failures this old (and no lock) are forgotten */
#define KNOWN_ADDRS 4 /* addresses an account signed in from, which its lock spares */
#define KNOWN_FOR_S (30 * 86400)
#define CLEAN_INFLIGHT 2   /* sign-ins checked at once from an address without failures */
#define SUSPECT_INFLIGHT 1 /* ... and from one with failures */
#define QUEUE_WAIT_S 10	   /* the longest a sign-in waits for its address's turn */
#define WAYS 4
#define BUCKETS (THROTTLE_MAX / WAYS)

struct entry {
	unsigned char key[16];
	bool used;
	int failures;
	int64_t last_failure, locked_until, touched;
	int inflight;			      /* address entries */
	unsigned char known[KNOWN_ADDRS][16]; /* account entries */
	int64_t known_at[KNOWN_ADDRS];
};

struct throttle {
	pthread_mutex_t mu;
	pthread_cond_t turn; /* an address's slot was freed */
	struct entry e[BUCKETS][WAYS];
};

struct throttle *throttle_new(void)
{
	struct throttle *t = calloc(1, sizeof(*t));

	if (t) {
		pthread_mutex_init(&t->mu, NULL);
		pthread_cond_init(&t->turn, NULL);
	}
	return t;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->turn);
	sodium_memzero(t, sizeof(*t));
	free(t);
}

static void make_key(unsigned char out[16], char kind, const char *a, size_t na, const void *b,
		     size_t nb)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&st, (const unsigned char *)a, na);
	crypto_generichash_update(&st, (const unsigned char *)"", 1);
	crypto_generichash_update(&st, b, nb);
	crypto_generichash_final(&st, out, 16);
}

/* The entry for key; created when create is set (NULL when the bucket is all busy). */
static struct entry *get(struct throttle *t, const unsigned char key[16], int64_t now, bool create)
{
	struct entry *bucket = t->e[(key[0] | key[1] << 8 | (unsigned)key[2] << 16) % BUCKETS];
	struct entry *victim = NULL;

	for (int i = 0; i < WAYS; i++) {
		struct entry *e = &bucket[i];
		if (e->used && !memcmp(e->key, key, 16)) {
			if (e->locked_until <= now && e->last_failure + FORGET_S < now)
				e->failures = 0;
			e->touched = now;
			return e;
		}
	}
	if (!create)
		return NULL;
	for (int i = 0; i < WAYS && !victim; i++)
		if (!bucket[i].used)
			victim = &bucket[i];
	/* else the least recently used entry that holds nothing: no lock, nobody in flight */
	for (int i = 0; i < WAYS && !victim; i++) {
		struct entry *e = &bucket[i];
		if (e->locked_until <= now && !e->inflight &&
		    (!victim || e->touched < victim->touched))
			victim = e;
	}
	if (!victim)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, 16);
	victim->used = true;
	victim->touched = now;
	return victim;
}

static int64_t lock_for(int failures, int free_failures)
{
	int64_t s = LOCK_BASE_S;

	if (failures < free_failures)
		return 0;
	for (int i = free_failures; i < failures && s < LOCK_MAX_S; i++)
		s *= 2;
	return s < LOCK_MAX_S ? s : LOCK_MAX_S;
}

static bool known(const struct entry *acct, const unsigned char addr[16], int64_t now)
{
	for (int i = 0; i < KNOWN_ADDRS; i++)
		if (acct->known_at[i] && acct->known_at[i] + KNOWN_FOR_S > now &&
		    !memcmp(acct->known[i], addr, 16))
			return true;
	return false;
}

static void remember(struct entry *acct, const unsigned char addr[16], int64_t now)
{
	int slot = 0;

	for (int i = 0; i < KNOWN_ADDRS; i++) {
		if (!memcmp(acct->known[i], addr, 16)) {
			slot = i;
			break;
		}
		if (acct->known_at[i] < acct->known_at[slot])
			slot = i;
	}
	memcpy(acct->known[slot], addr, 16);
	acct->known_at[slot] = now;
}

/* The address as counted: IPv6 by its /64 (one subscriber has the whole /64). */
static void address_group(const char *client_addr, unsigned char out[16])
{
	struct netaddr a;

	memset(out, 0, 16);
	if (!client_addr || !netaddr_parse(client_addr, &a)) {
		out[0] = 0xff; /* unknown: all unknown clients count as one */
		return;
	}
	if (!netaddr_is_v4(&a))
		memset(a.b + 8, 0, 8);
	memcpy(out, a.b, 16);
}

int64_t throttle_begin(struct throttle *t, const char *username, const char *client_addr,
		       int64_t now, struct throttle_ticket *tk)
{
	char user[65];
	size_t n = 0;
	struct entry *pair, *addr, *acct;
	struct timespec deadline;
	int64_t wait = 0;

	memset(tk, 0, sizeof(*tk));
	/* usernames are case-insensitive (the users table is COLLATE NOCASE) */
	for (; username && username[n] && n < sizeof(user) - 1; n++)
		user[n] = (char)tolower((unsigned char)username[n]);
	user[n] = '\0';
	address_group(client_addr, tk->addr_group);
	make_key(tk->pair, 'p', user, n, tk->addr_group, 16);
	make_key(tk->addr, 'a', "", 0, tk->addr_group, 16);
	make_key(tk->account, 'u', user, n, "", 0);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += QUEUE_WAIT_S;
	pthread_mutex_lock(&t->mu);
	for (;;) {
		pair = get(t, tk->pair, now, false);
		addr = get(t, tk->addr, now, true);
		acct = get(t, tk->account, now, false);
		wait = 0;
		if (pair && pair->locked_until > now)
			wait = pair->locked_until - now;
		if (addr && addr->locked_until - now > wait)
			wait = addr->locked_until - now;
		if (acct && acct->locked_until - now > wait && !known(acct, tk->addr_group, now))
			wait = acct->locked_until - now;
		tk->suspect = (pair && pair->failures) || (addr && addr->failures);
		if (wait || !addr ||
		    addr->inflight < (tk->suspect ? SUSPECT_INFLIGHT : CLEAN_INFLIGHT))
			break;
		/* the address's sign-ins are checked a few at a time (one while it has
		 * failures): a flood queues behind itself, not in front of everyone else,
		 * and what waits is looked at again (a lock may have started meanwhile) */
		if (pthread_cond_timedwait(&t->turn, &t->mu, &deadline)) {
			wait = 1;
			break;
		}
	}
	if (!wait && addr) {
		addr->inflight++;
		tk->held = true;
	}
	pthread_mutex_unlock(&t->mu);
	return wait;
}

static int64_t count_failure(struct entry *e, int free_failures, int64_t now)
{
	int64_t s;

	if (!e)
		return 0;
	e->failures++;
	e->last_failure = now;
	if (!(s = lock_for(e->failures, free_failures)))
		return 0;
	e->locked_until = now + s;
	return s;
}

enum throttle_lock throttle_end(struct throttle *t, struct throttle_ticket *tk,
				enum throttle_outcome outcome, int64_t now, int64_t *lock_s)
{
	struct entry *pair, *addr, *acct;
	enum throttle_lock lock = THROTTLE_NO_LOCK;
	int64_t s;

	*lock_s = 0;
	pthread_mutex_lock(&t->mu);
	addr = get(t, tk->addr, now, true);
	if (addr && tk->held && addr->inflight > 0)
		addr->inflight--;
	tk->held = false;
	pthread_cond_broadcast(&t->turn);
	if (outcome == THROTTLE_OK) {
		if ((pair = get(t, tk->pair, now, false)))
			pair->failures = 0, pair->locked_until = 0;
		if (addr)
			addr->failures = 0;
		/* the account's own count is not reset: attackers elsewhere go on counting */
		if ((acct = get(t, tk->account, now, true)))
			remember(acct, tk->addr_group, now);
	} else if (outcome == THROTTLE_FAILED) {
		pair = get(t, tk->pair, now, true);
		acct = get(t, tk->account, now, true);
		/* the broadest lock that started is the one reported */
		if ((s = count_failure(pair, PAIR_FREE, now)))
			*lock_s = s, lock = THROTTLE_LOCK_PAIR;
		if ((s = count_failure(addr, ADDR_FREE, now)))
			*lock_s = s, lock = THROTTLE_LOCK_ADDR;
		if ((s = count_failure(acct, ACCOUNT_FREE, now)))
			*lock_s = s, lock = THROTTLE_LOCK_ACCOUNT;
	}
	pthread_mutex_unlock(&t->mu);
	return lock;
}
