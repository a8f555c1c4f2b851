#ifndef SH_NETADDR_H
#define SH_NETADDR_H
/*
 * IP addresses and prefixes, for the two places safeharbor judges an address: where a
 * webhook may point (notify/deliver.c: no loopback, private, link-local, ... address
 * unless allow-listed) and which peer may speak for a client (http/client_addr.c:
 * trusted proxies; lib/conf.c checks the trusted_proxies setting with it). Every
 * address is held as 16 bytes, an IPv4 address as its IPv4-mapped IPv6
 * form (::ffff:a.b.c.d), so "::ffff:127.0.0.1" is judged exactly as "127.0.0.1".
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct netaddr {
	unsigned char b[16];
};

struct netaddr_prefix {
	struct netaddr addr;
	int bits; /* 0..128, over the 16-byte form (an IPv4 /24 is 96 + 24) */
};

#define NETADDR_LIST_MAX 32
struct netaddr_list {
	int n;
	struct netaddr_prefix p[NETADDR_LIST_MAX];
};

#define NETADDR_TEXT_LEN 48

/* From a socket address (AF_INET or AF_INET6); false for any other family. */
bool netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out);
/* A numeric address, "192.0.2.7" or "2001:db8::1" (no brackets, no other spellings). */
bool netaddr_parse(const char *s, struct netaddr *out);
/* "ADDR" (a single address) or "ADDR/BITS" (IPv4 bits 0..32, IPv6 0..128). */
bool netaddr_parse_prefix(const char *s, struct netaddr_prefix *out);
/*
 * A list of prefixes separated by commas, spaces or tabs ("" is the empty list). false
 * with the first bad item copied into bad (may be NULL) when one does not parse or
 * there are more than NETADDR_LIST_MAX.
 */
bool netaddr_parse_list(const char *s, struct netaddr_list *out, char *bad, size_t nbad);
bool netaddr_in(const struct netaddr *a, const struct netaddr_prefix *p);
bool netaddr_list_has(const struct netaddr_list *l, const struct netaddr *a);
bool netaddr_is_v4(const struct netaddr *a);
/* The usual text: dotted quad for IPv4, RFC 5952 for IPv6. */
void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_LEN]);
/*
 * Why the server must not connect to a on a user's behalf, or NULL for an ordinary
 * public address: "loopback", "private", "link-local", "cloud metadata", "shared
 * (CGNAT)", "unspecified", "multicast", "reserved", ... Addresses that embed an IPv4
 * address (IPv4-mapped, NAT64, 6to4) are judged by the embedded one.
 */
const char *netaddr_special(const struct netaddr *a); /* a static string, or NULL */

#endif
