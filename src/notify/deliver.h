#ifndef SH_DELIVER_H
#define SH_DELIVER_H
/*
 * The channels, through libcurl: a signed HTTPS webhook (a county's paging or SMS
 * gateway) and SMTP e-mail; and the checks of the addresses people give for them.
 *
 * Webhook signature: X-Safeharbor-Signature: sha256=HEX, where HEX is
 * HMAC-SHA256(secret, TIMESTAMP "." BODY) and TIMESTAMP is the decimal Unix time
 * also sent in X-Safeharbor-Timestamp, so a receiver can refuse old or replayed
 * requests. X-Safeharbor-Delivery carries the notification id for deduplication.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/error.h"
#include "lib/netaddr.h"

#define DELIVER_SIG_LEN 72 /* "sha256=" + 64 hex + NUL */
#define DELIVER_SECRET_MIN 16
#define DELIVER_SECRET_MAX 256

/* libcurl's global set-up: once before threads that deliver start, and once at the end. */
enum sh_code deliver_global_init(struct sh_error *err);
void deliver_global_cleanup(void);

/* The signature header value for body sent at timestamp. */
void deliver_sign(const void *secret, size_t secret_len, int64_t timestamp, const void *body,
		  size_t len, char out[DELIVER_SIG_LEN]);

/*
 * Where a webhook may go. Its host is resolved and every address judged: loopback,
 * private (RFC 1918, unique local), link-local, shared (CGNAT), unspecified, multicast,
 * reserved and cloud metadata addresses are refused (lib/netaddr.h netaddr_special),
 * in every spelling (decimal, octal or hex IPv4, IPv4-mapped IPv6, NAT64, 6to4), unless
 * they are in allow. any_address: no judgement (a target the operator set).
 */
struct deliver_policy {
	const struct netaddr_list *allow; /* may be NULL */
	bool any_address;
};

/*
 * Address checks, each naming field in err. A webhook is https:// (http:// only to
 * a loopback address, for tests and a gateway on the same host), without user
 * name or password in it, at most 500 characters, and its host does not resolve to an
 * address pol refuses (a name that does not resolve now is judged at each delivery).
 * An e-mail address is a plain local@domain.example. A secret is 16 to 256 printable
 * ASCII characters.
 */
enum sh_code deliver_check_webhook_url(const char *url, const char *field,
				       const struct deliver_policy *pol, struct sh_error *err);
enum sh_code deliver_check_email(const char *addr, const char *field, struct sh_error *err);
enum sh_code deliver_check_secret(const char *secret, const char *field, struct sh_error *err);
/* Is the host of url a loopback address (localhost, 127.0.0.0/8, ::1)? */
bool deliver_is_loopback(const char *url);

/* The outcome of one attempt. */
struct deliver_result {
	bool ok;	 /* delivered (webhook: a 2xx answer; SMTP: accepted) */
	bool aborted;	 /* stopped by the stop flag: not an attempt */
	long status;	 /* HTTP status or SMTP reply code, 0 when none */
	char error[160]; /* short reason when not ok (no message content) */
};

/*
 * POSTs body (JSON) to url, signed; gives up after timeout_s or when *stop is set. The
 * host is resolved and judged by pol again, the connection pinned to the address judged
 * (and every socket judged once more as it opens), no proxy and no redirect followed.
 */
void deliver_webhook(const char *url, const struct deliver_policy *pol, const void *secret,
		     size_t secret_len, const char *body, size_t len, int64_t delivery_id,
		     int64_t now, int timeout_s, const atomic_bool *stop,
		     struct deliver_result *out);

struct deliver_smtp {
	const char *url;  /* smtp://host:port or smtps://host:port */
	const char *user; /* NULL or "": no AUTH */
	const char *password;
	const char *from;
};

/* Sends message (headers and body, CRLF) to one recipient. */
void deliver_email(const struct deliver_smtp *smtp, const char *to, const char *message, size_t len,
		   int timeout_s, const atomic_bool *stop, struct deliver_result *out);

#endif
