/* http/client_addr.c: the client's address behind trusted proxies; lib/promtext.c. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "http/client_addr.h"
#include "lib/promtext.h"

static struct sockaddr_in peer4(const char *ip)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static void untrusted_peer_headers_ignored(void **state)
{
	struct netaddr_list p;
	struct http_client c;
	struct sh_error err = SH_ERROR_INIT;
	struct sockaddr_in peer = peer4("198.51.100.7");

	UNUSED(state);
	assert_int_equal(http_proxies_parse("127.0.0.2, 10.0.0.0/8", &p, &err), SH_OK);
	http_client_address((struct sockaddr *)&peer, "203.0.113.9", "https", &p, &c);
	assert_string_equal(c.addr, "198.51.100.7");
	assert_false(c.via_proxy);
	assert_false(c.secure);
	/* no proxies configured: the same */
	http_client_address((struct sockaddr *)&peer, "203.0.113.9", "https", NULL, &c);
	assert_string_equal(c.addr, "198.51.100.7");
}

static void rightmost_untrusted_entry(void **state)
{
	struct netaddr_list p;
	struct http_client c;
	struct sh_error err = SH_ERROR_INIT;
	struct sockaddr_in peer = peer4("127.0.0.2");

	UNUSED(state);
	assert_int_equal(http_proxies_parse("127.0.0.2 10.0.0.0/8", &p, &err), SH_OK);
	/* the client wrote the first entry itself; the proxy appended the real one */
	http_client_address((struct sockaddr *)&peer, "6.6.6.6, 203.0.113.9", "https", &p, &c);
	assert_string_equal(c.addr, "203.0.113.9");
	assert_true(c.via_proxy);
	assert_true(c.secure);
	/* a chain of trusted proxies is walked through */
	http_client_address((struct sockaddr *)&peer, "203.0.113.9, 10.1.2.3", "http", &p, &c);
	assert_string_equal(c.addr, "203.0.113.9");
	assert_false(c.secure);
	/* no header: the proxy itself */
	http_client_address((struct sockaddr *)&peer, NULL, NULL, &p, &c);
	assert_string_equal(c.addr, "127.0.0.2");
	/* garbage stops the walk at the last address that could be believed */
	http_client_address((struct sockaddr *)&peer, "203.0.113.9, not-an-ip", NULL, &p, &c);
	assert_string_equal(c.addr, "127.0.0.2");
	assert_int_equal(http_proxies_parse("example.org", &p, &err), SH_EINVAL);
}

static void ipv6_peer(void **state)
{
	struct netaddr_list p;
	struct http_client c;
	struct sh_error err = SH_ERROR_INIT;
	struct sockaddr_in6 peer = { .sin6_family = AF_INET6 };

	UNUSED(state);
	inet_pton(AF_INET6, "::1", &peer.sin6_addr);
	assert_int_equal(http_proxies_parse("::1", &p, &err), SH_OK);
	http_client_address((struct sockaddr *)&peer, "2001:db8::5", NULL, &p, &c);
	assert_string_equal(c.addr, "2001:db8::5");
}

static void prometheus_text(void **state)
{
	static const double bounds[] = { 0.1, 1 };
	struct histo h;
	struct buf b = BUF_INIT, l = BUF_INIT;

	UNUSED(state);
	histo_init(&h, bounds, 2);
	histo_observe(&h, 0.05);
	histo_observe(&h, 0.5);
	histo_observe(&h, 7);
	prom_label(&l, "route", "/a/{id}\"\\\n");
	prom_family(&b, "x_seconds", "histogram", "A test.");
	prom_histo(&b, "x_seconds", l.data, &h);
	prom_sample(&b, "y", NULL, 3);
	assert_string_equal(b.data, "# HELP x_seconds A test.\n"
				    "# TYPE x_seconds histogram\n"
				    "x_seconds_bucket{route=\"/a/{id}\\\"\\\\\\n\",le=\"0.1\"} 1\n"
				    "x_seconds_bucket{route=\"/a/{id}\\\"\\\\\\n\",le=\"1\"} 2\n"
				    "x_seconds_bucket{route=\"/a/{id}\\\"\\\\\\n\",le=\"+Inf\"} 3\n"
				    "x_seconds_sum{route=\"/a/{id}\\\"\\\\\\n\"} 7.55\n"
				    "x_seconds_count{route=\"/a/{id}\\\"\\\\\\n\"} 3\n"
				    "y 3\n");
	buf_release(&b);
	buf_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(untrusted_peer_headers_ignored),
		cmocka_unit_test(rightmost_untrusted_entry),
		cmocka_unit_test(ipv6_peer),
		cmocka_unit_test(prometheus_text),
	};
	return cmocka_run_group_tests_name("client_addr", tests, NULL, NULL);
}
