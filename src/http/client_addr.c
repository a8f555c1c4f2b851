/* The client address of a request, honouring trusted proxies (client_addr.h). */
#include "lib/common.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include "http/client_addr.h"
#include "lib/conf.h"

enum sh_code http_proxies_parse(const char *list, struct http_proxies *out,
				struct sh_error *err)
{
	const char *p = list ? list : "";

	memset(out, 0, sizeof(*out));
	while (*p) {
		char item[80];
		size_t n;
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!(n = strcspn(p, ", \t")))
			break;
		if (out->n == HTTP_MAX_PROXIES)
			return sh_error_set(err, SH_EINVAL, "trusted_proxies: at most %d entries",
					    HTTP_MAX_PROXIES);
		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		if (n >= sizeof(item) ||
		    !conf_parse_cidr(item, out->nets[out->n].addr, &out->nets[out->n].prefix))
			return sh_error_set(err, SH_EINVAL,
					    "trusted_proxies: '%s' is not an address or CIDR range",
					    item);
		out->n++;
		p += n;
	}
	return SH_OK;
}

static bool in_net(const unsigned char a[16], const unsigned char net[16], int prefix)
{
	int full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, net, (size_t)full))
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		return (a[full] & mask) == (net[full] & mask);
	}
	return true;
}

static bool trusted(const struct http_proxies *p, const unsigned char a[16])
{
	for (int i = 0; p && i < p->n; i++)
		if (in_net(a, p->nets[i].addr, p->nets[i].prefix))
			return true;
	return false;
}

/* Text to a 16-byte address (IPv4 mapped); false when it is not an address. */
static bool parse_addr(const char *s, unsigned char out[16])
{
	int prefix;

	return !strchr(s, '/') && conf_parse_cidr(s, out, &prefix);
}

static void format_addr(const unsigned char a[16], char *out, size_t n)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (!memcmp(a, v4mapped, sizeof(v4mapped)))
		inet_ntop(AF_INET, a + 12, out, (socklen_t)n);
	else
		inet_ntop(AF_INET6, a, out, (socklen_t)n);
}

void http_client_address(const struct sockaddr *peer, const char *forwarded_for,
			 const char *forwarded_proto, const struct http_proxies *proxies,
			 struct http_client *out)
{
	unsigned char a[16];

	memset(out, 0, sizeof(*out));
	snprintf(out->addr, sizeof(out->addr), "-");
	if (!peer)
		return;
	if (peer->sa_family == AF_INET) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)peer)->sin_addr, 4);
	} else if (peer->sa_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr, 16);
	} else {
		return;
	}
	format_addr(a, out->addr, sizeof(out->addr));
	if (!trusted(proxies, a))
		return;
	out->via_proxy = true;
	out->secure = forwarded_proto && !strcasecmp(forwarded_proto, "https");
	/* right to left: each trusted proxy names the one before it */
	if (forwarded_for) {
		size_t end = strlen(forwarded_for);
		while (end > 0) {
			size_t start = end;
			char item[HTTP_ADDR_MAX];
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
			if (!parse_addr(item, a))
				break;
			format_addr(a, out->addr, sizeof(out->addr));
			if (!trusted(proxies, a))
				break;
		}
	}
}
