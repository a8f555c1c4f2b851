#include "lib/common.h"
#include "lib/catalog.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include "lib/netaddr.h"

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void from_v4(const unsigned char v4[4], struct netaddr *out)
{
	memcpy(out->b, v4_mapped, 12);
	memcpy(out->b + 12, v4, 4);
}

bool netaddr_is_v4(const struct netaddr *a)
{
	return !memcmp(a->b, v4_mapped, 12);
}

bool netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
	if (sa->sa_family == AF_INET) {
		from_v4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr, out);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

bool netaddr_parse(const char *s, struct netaddr *out)
{
	unsigned char v4[4];

	if (inet_pton(AF_INET, s, v4) == 1) {
		from_v4(v4, out);
		return true;
	}
	return inet_pton(AF_INET6, s, out->b) == 1;
}

bool netaddr_parse_prefix(const char *s, struct netaddr_prefix *out)
{
	char host[NETADDR_TEXT_LEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long bits;
	char *end;

	if (!n || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	if (!netaddr_parse(host, &out->addr))
		return false;
	if (!slash) {
		out->bits = 128;
		return true;
	}
	errno = 0;
	bits = strtol(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || bits < 0)
		return false;
	/* an IPv4 prefix is written over 32 bits, held over 128 */
	if (netaddr_is_v4(&out->addr) && !strchr(host, ':')) {
		if (bits > 32)
			return false;
		bits += 96;
	} else if (bits > 128) {
		return false;
	}
	out->bits = (int)bits;
	return true;
}

bool netaddr_parse_list(const char *s, struct netaddr_list *out, char *bad, size_t nbad)
{
	const char *p = s;

	out->n = 0;
	while (p && *p) {
		char item[NETADDR_TEXT_LEN + 8];
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		n = strcspn(p, ", \t");
		if (n >= sizeof(item) || out->n == NETADDR_LIST_MAX) {
			if (bad)
				snprintf(bad, nbad, "%.*s", (int)(n < 60 ? n : 60), p);
			return false;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (!netaddr_parse_prefix(item, &out->p[out->n])) {
			if (bad)
				snprintf(bad, nbad, "%s", item);
			return false;
		}
		out->n++;
		p += n;
	}
	return true;
}

bool netaddr_in(const struct netaddr *a, const struct netaddr_prefix *p)
{
	int full = p->bits / 8, rest = p->bits % 8;

	if (memcmp(a->b, p->addr.b, (size_t)full))
		return false;
	if (!rest)
		return true;
	return ((a->b[full] ^ p->addr.b[full]) & (0xff << (8 - rest))) == 0;
}

bool netaddr_list_has(const struct netaddr_list *l, const struct netaddr *a)
{
	for (int i = 0; l && i < l->n; i++)
		if (netaddr_in(a, &l->p[i]))
			return true;
	return false;
}

void netaddr_format(const struct netaddr *a, char out[NETADDR_TEXT_LEN])
{
	if (netaddr_is_v4(a))
		inet_ntop(AF_INET, a->b + 12, out, NETADDR_TEXT_LEN);
	else
		inet_ntop(AF_INET6, a->b, out, NETADDR_TEXT_LEN);
}

/* ---- special-purpose ranges (IANA registries; RFC 6890 and successors) ---- */

struct range {
	unsigned char b[16];
	int bits;
	const char *why;
};

#define V4(a, b, c, d, n, why)                                                          \
	{                                                                               \
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d }, 96 + (n), why \
	}

static const struct range v4_ranges[] = {
	V4(169, 254, 169, 254, 32,
	   N_("cloud metadata")), /* before link-local: the reason is clearer */
	V4(100, 100, 100, 200, 32, N_("cloud metadata")),
	V4(0, 0, 0, 0, 8, N_("unspecified")),
	V4(10, 0, 0, 0, 8, N_("private")),
	V4(100, 64, 0, 0, 10, N_("shared (CGNAT)")),
	V4(127, 0, 0, 0, 8, N_("loopback")),
	V4(169, 254, 0, 0, 16, N_("link-local")),
	V4(172, 16, 0, 0, 12, N_("private")),
	V4(192, 0, 0, 0, 24, N_("reserved")),
	V4(192, 0, 2, 0, 24, N_("reserved (documentation)")),
	V4(192, 88, 99, 0, 24, N_("reserved")),
	V4(192, 168, 0, 0, 16, N_("private")),
	V4(198, 18, 0, 0, 15, N_("reserved (benchmarking)")),
	V4(198, 51, 100, 0, 24, N_("reserved (documentation)")),
	V4(203, 0, 113, 0, 24, N_("reserved (documentation)")),
	V4(224, 0, 0, 0, 4, N_("multicast")),
	V4(240, 0, 0, 0, 4, N_("reserved")), /* and 255.255.255.255, broadcast */
};

static const struct range v6_ranges[] = {
	{ { 0 }, 128, N_("unspecified") },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128, N_("loopback") },
	{ { 0 }, 96, N_("reserved (IPv4-compatible)") },
	{ { 0, 0x64, 0xff, 0x9b, 0, 1 }, 48, N_("reserved (local NAT64)") },
	{ { 0x01, 0x00 }, 64, N_("reserved (discard)") },
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, N_("reserved (documentation)") },
	{ { 0x20, 0x01, 0, 0 }, 32, N_("reserved (Teredo)") },
	{ { 0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 },
	  128,
	  N_("cloud metadata") },
	{ { 0xfc }, 7, N_("private (unique local)") },
	{ { 0xfe, 0x80 }, 10, N_("link-local") },
	{ { 0xfe, 0xc0 }, 10, N_("reserved (site-local)") },
	{ { 0xff }, 8, N_("multicast") },
};

static const char *in_ranges(const struct netaddr *a, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct netaddr_prefix p;
		memcpy(p.addr.b, r[i].b, 16);
		p.bits = r[i].bits;
		if (netaddr_in(a, &p))
			return r[i].why;
	}
	return NULL;
}

const char *netaddr_special(const struct netaddr *a)
{
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	struct netaddr inner;

	if (netaddr_is_v4(a))
		return in_ranges(a, v4_ranges, ARRAY_SIZE(v4_ranges));
	/* addresses that carry an IPv4 address: judged by the one they reach */
	if (!memcmp(a->b, nat64, 12)) {
		from_v4(a->b + 12, &inner);
		return netaddr_special(&inner);
	}
	if (a->b[0] == 0x20 && a->b[1] == 0x02) {
		from_v4(a->b + 2, &inner);
		return netaddr_special(&inner);
	}
	return in_ranges(a, v6_ranges, ARRAY_SIZE(v6_ranges));
}
