/* The client address of a request, honouring trusted proxies (client_addr.h). */
#include "lib/common.h"
#include "http/client_addr.h"

enum sh_code http_proxies_parse(const char *list, struct netaddr_list *out, struct sh_error *err)
{
	char bad[64];

	if (!netaddr_parse_list(list ? list : "", out, bad, sizeof(bad)))
		return sh_error_set(
			err, SH_EINVAL,
			"trusted_proxies: '%s' is not an address or CIDR range (at most "
			"%d of them)",
			bad, NETADDR_LIST_MAX);
	return SH_OK;
}

void http_client_address(const struct sockaddr *peer, const char *forwarded_for,
			 const char *forwarded_proto, const struct netaddr_list *proxies,
			 struct http_client *out)
{
	struct netaddr a;

	memset(out, 0, sizeof(*out));
	snprintf(out->addr, sizeof(out->addr), "-");
	if (!peer || !netaddr_from_sockaddr(peer, &a))
		return;
	netaddr_format(&a, out->addr);
	if (!netaddr_list_has(proxies, &a))
		return;
	out->via_proxy = true;
	out->secure = forwarded_proto && !strcasecmp(forwarded_proto, "https");
	/* right to left: each trusted proxy names the one before it */
	if (forwarded_for) {
		size_t end = strlen(forwarded_for);
		while (end > 0) {
			size_t start = end;
			char item[NETADDR_TEXT_LEN];
			const char *s;
			size_t n;
			while (start > 0 && forwarded_for[start - 1] != ',')
				start--;
			s = forwarded_for + start;
			n = end - start;
			while (n && (*s == ' ' || *s == '\t'))
				s++, n--;
			while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			end = start ? start - 1 : 0;
			if (!n || n >= sizeof(item))
				break; /* garbage: stop at the last address we could believe */
			memcpy(item, s, n);
			item[n] = '\0';
			if (!netaddr_parse(item, &a))
				break;
			netaddr_format(&a, out->addr);
			if (!netaddr_list_has(proxies, &a))
				break;
		}
	}
}
