#ifndef SH_THROTTLE_H
#define SH_THROTTLE_H
/*
 * Slowing password guessing without letting anyone lock someone else out (security.md
 * "Failed sign-ins"). Failures are counted in memory, per server, under three keys:
 *
 *   - the account from one client address: the 5th failure in a row locks that pair
 *     for 30 s, doubling with each further failure up to 15 minutes;
 *   - the client address, whatever the accounts: the 20th failure in a row locks the
 *     address (same schedule), so spraying many usernames is slowed too;
 *   - the account from anywhere: 25 failures within 15 minutes (only several addresses
 *     can get there: one address is locked long before) lock the account for addresses
 *     that have not signed into it successfully lately, on the same schedule; the
 *     addresses it was used from (the last 4) still get in.
 *
 * A sign-in from the real user's address is therefore never refused because of failures
 * from another one. Keys are the username as typed (lower-cased), so an unknown
 * username is counted, locked and answered exactly like a known one; IPv6 addresses
 * count by /64. A client that is locked is refused before the database or any password
 * hashing is touched. An address's sign-ins are checked two at a time (one at a time
 * while it has failures; the others wait their turn, up to 10 s, and are looked at again
 * when it comes), and checks for clients with failures use at most one of the two
 * hashing slots (shcrypto_password_verify), so a flood cannot starve other sign-ins.
 *
 * Thread-safe (one mutex); bounded memory (THROTTLE_MAX entries, the least recently
 * used unlocked one is forgotten first). Failures older than 15 minutes are forgotten.
 */
#include <stdbool.h>
#include <stdint.h>

#define THROTTLE_MAX 8192

struct throttle;

struct throttle *throttle_new(void);
void throttle_free(struct throttle *t);

/* One sign-in attempt between throttle_begin and throttle_end. */
struct throttle_ticket {
	unsigned char pair[16], addr[16], account[16]; /* keys (hashes) */
	unsigned char addr_group[16];		       /* the client's address (/64 for IPv6) */
	bool suspect; /* the client has recent failures: hash in the suspects' slot */
	bool held;    /* an in-flight slot of the address is held */
};

/* What the attempt led to, for the audit. */
enum throttle_lock {
	THROTTLE_NO_LOCK,
	THROTTLE_LOCK_PAIR,    /* this account from this address */
	THROTTLE_LOCK_ADDR,    /* this address */
	THROTTLE_LOCK_ACCOUNT, /* this account, for addresses it was not used from */
};

/*
 * Before the password is looked at; may wait for the address's turn. Returns 0 to go on
 * (tk filled; call throttle_end), or the seconds to wait before trying again (nothing
 * to end).
 */
int64_t throttle_begin(struct throttle *t, const char *username, const char *client_addr,
		       int64_t now, struct throttle_ticket *tk);
enum throttle_outcome {
	THROTTLE_FAILED,  /* a wrong password (or an unknown username) */
	THROTTLE_OK,	  /* signed in */
	THROTTLE_NEITHER, /* the right password of a disabled account: nothing to count */
};
/*
 * After the check: counts a failure (and says which lock it started, with its length
 * in *lock_s) or forgets the failures of a success, and frees the address's slot.
 */
enum throttle_lock throttle_end(struct throttle *t, struct throttle_ticket *tk,
				enum throttle_outcome outcome, int64_t now, int64_t *lock_s);

#endif
