#ifndef SH_CLIENT_ADDR_H
#define SH_CLIENT_ADDR_H
/*
 * Who is on the other end of a request. Behind a reverse proxy (nginx terminating
 * TLS: docs/operations.md) every connection comes from the proxy; the proxy names the
 * client in X-Forwarded-For and the scheme in X-Forwarded-Proto. Those headers are
 * believed only from the proxies listed in the `trusted_proxies` setting: anyone
 * else could write them.
 *
 * http_client_address() is the one place that answers "which address sent this
 * request" (the access log, per-address sign-in throttling): the peer's address, or,
 * when the peer is a trusted proxy, the rightmost X-Forwarded-For entry that is not a
 * trusted proxy itself (the entries to its left were written by the client and prove
 * nothing). Handlers see the answer as api_request.client_addr and .secure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include "lib/error.h"
#include "lib/netaddr.h"

/* Parses a trusted_proxies value ("127.0.0.1, 10.0.0.0/8, ::1"; "" = none) with
 * lib/netaddr; SH_EINVAL naming the item that is not an address or range. */
enum sh_code http_proxies_parse(const char *list, struct netaddr_list *out, struct sh_error *err);

struct http_client {
	char addr[NETADDR_TEXT_LEN]; /* the client's address as text ("-" when unknown) */
	bool via_proxy;		     /* the peer is a trusted proxy */
	bool secure;		     /* a trusted proxy says the client used https */
};

/*
 * The client of a request from peer (the socket's address) with the request's
 * X-Forwarded-For and X-Forwarded-Proto headers (NULL when absent) and the trusted
 * proxies (NULL or empty: none is trusted, the headers are ignored).
 */
void http_client_address(const struct sockaddr *peer, const char *forwarded_for,
			 const char *forwarded_proto, const struct netaddr_list *proxies,
			 struct http_client *out);

#endif
