/* notify/deliver.c (signature, address checks) and notify/message.c (what is said). */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include "notify/deliver.h"
#include "notify/message.h"

static void signature_matches_reference(void **state)
{
	static const char secret[] = "synthetic-secret-0123456789";
	static const char body[] = "{\"id\":1,\"type\":\"summons\"}";
	char sig[DELIVER_SIG_LEN];

	UNUSED(state);
	assert_int_equal(sodium_init() < 0, 0);
	/* reference values computed independently (Python hmac, Node crypto) */
	deliver_sign(secret, strlen(secret), 1700000000, body, strlen(body), sig);
	assert_string_equal(
		sig, "sha256=f216cb345fee089cddf066f3bc0e400da8ea4e53620e86f2681224f868eb94b6");
	deliver_sign("Jefe", 4, 1, "what do ya want for nothing?", 28, sig);
	assert_string_equal(
		sig, "sha256=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38");
	/* the timestamp is signed: another time, another signature */
	deliver_sign(secret, strlen(secret), 1700000001, body, strlen(body), sig);
	assert_string_not_equal(
		sig, "sha256=f216cb345fee089cddf066f3bc0e400da8ea4e53620e86f2681224f868eb94b6");
}

static const struct deliver_policy no_allow = { NULL, false };

static void webhook_addresses(void **state)
{
	static const char *const good[] = {
		"https://93.184.216.34/hook",
		"https://93.184.216.34:8443/a?b=c",
		"https://[2606:2800:220:1:248:1893:25c8:1946]/x",
	};
	static const char *const bad[] = {
		"http://pager.county.example/hook",
		"ftp://pager.county.example/",
		"file:///etc/passwd",
		"https://user:pw@pager.county.example/",
		"https://pager example/",
		"pager.county.example",
		"",
		"gopher://127.0.0.1/",
		"http://127.0.0.1.evil.example/",
		"https://x/\n",
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct sh_error err = SH_ERROR_INIT;
		assert_int_equal(deliver_check_webhook_url(good[i], "webhook_url", &no_allow, &err),
				 SH_OK);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sh_error err = SH_ERROR_INIT;
		assert_int_equal(deliver_check_webhook_url(bad[i], "webhook_url", &no_allow, &err),
				 SH_EINVAL);
		assert_string_equal(err.fields[0].field, "webhook_url");
	}
	assert_true(deliver_is_loopback("smtp://127.0.0.1:2525"));
	assert_false(deliver_is_loopback("smtp://mail.county.example:587"));
}

/* Every spelling of an address the server must not reach on a user's behalf. */
static void webhook_internal_addresses_refused(void **state)
{
	static const char *const bad[] = {
		"http://127.0.0.1:8080/hook",
		"http://127.1.2.3/x",
		"http://[::1]:9/x",
		"http://localhost/hook",      /* a name that resolves to loopback */
		"http://2130706433/",	      /* 127.0.0.1 in decimal */
		"http://0x7f.1/",	      /* in hex, short form */
		"https://017700000001/",      /* in octal */
		"https://0177.0.0.1/",	      /* octal dotted */
		"http://[::ffff:127.0.0.1]/", /* IPv4-mapped IPv6 */
		"https://[::127.0.0.1]/",     /* IPv4-compatible IPv6 */
		"https://[64:ff9b::7f00:1]/", /* NAT64 of loopback */
		"https://[2002:7f00:1::1]/",  /* 6to4 of loopback */
		"https://10.0.0.5/",
		"https://172.16.3.4/",
		"https://192.168.1.1/",
		"https://169.254.169.254/latest/meta-data/",
		"https://[fd00:ec2::254]/",
		"https://[64:ff9b::a9fe:a9fe]/", /* NAT64 of the metadata address */
		"https://169.254.1.1/",
		"https://[fe80::1]/",
		"https://100.64.0.1/",
		"https://0.0.0.0/",
		"https://[::]/",
		"https://224.0.0.1/",
		"https://[ff02::1]/",
		"https://[fc00::1]/",
		"https://255.255.255.255/",
		"https://240.0.0.1/",
	};

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sh_error err = SH_ERROR_INIT;
		if (deliver_check_webhook_url(bad[i], "webhook_url", &no_allow, &err) != SH_EINVAL)
			fail_msg("%s was accepted", bad[i]);
		assert_string_equal(err.fields[0].field, "webhook_url");
	}
}

static void webhook_allow_list(void **state)
{
	struct netaddr_list allow;
	struct deliver_policy pol = { &allow, false };
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	assert_true(netaddr_parse_list("127.0.0.0/8, ::1,10.20.0.0/16", &allow, NULL, 0));
	assert_int_equal(deliver_check_webhook_url("http://127.0.0.1:8080/hook", "w", &pol, &err),
			 SH_OK);
	assert_int_equal(deliver_check_webhook_url("http://localhost:8080/hook", "w", &pol, &err),
			 SH_OK);
	assert_int_equal(deliver_check_webhook_url("https://10.20.1.2/hook", "w", &pol, &err),
			 SH_OK);
	/* allowed is not "anything goes": another private range, and plain http away from
	 * loopback, stay refused */
	assert_int_equal(deliver_check_webhook_url("https://10.21.1.2/hook", "w", &pol, &err),
			 SH_EINVAL);
	sh_error_init(&err);
	assert_int_equal(deliver_check_webhook_url("http://10.20.1.2/hook", "w", &pol, &err),
			 SH_EINVAL);
	sh_error_init(&err);
	assert_int_equal(deliver_check_webhook_url("https://169.254.169.254/", "w", &pol, &err),
			 SH_EINVAL);
}

/* The delivery judges the address again: a URL stored before (or allowed then) that now
 * reaches a refused address is not contacted. */
static void delivery_refuses_internal_addresses(void **state)
{
	struct deliver_result res;

	UNUSED(state);
	deliver_webhook("http://127.0.0.1:9/hook", &no_allow, "0123456789abcdef", 16, "{}", 2, 1,
			1700000000, 2, NULL, &res);
	assert_false(res.ok);
	assert_non_null(strstr(res.error, "refused: loopback"));
	deliver_webhook("https://[::ffff:169.254.169.254]/", &no_allow, "0123456789abcdef", 16,
			"{}", 2, 1, 1700000000, 2, NULL, &res);
	assert_false(res.ok);
}

static void email_addresses_and_secrets(void **state)
{
	static const char *const good[] = { "oncall@agency.example",
					    "first.last+tag@sub.county.example",
					    "le_sup@county.example" };
	static const char *const bad[] = { "plain",
					   "@county.example",
					   "a@",
					   "a@b",
					   "a b@c.example",
					   "a@b..example",
					   "a@-b.example.",
					   "a@b.example\r\nBcc: x@y.example",
					   "<a@b.example>",
					   "a@@b.example" };
	struct sh_error err = SH_ERROR_INIT;

	UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_int_equal(deliver_check_email(good[i], "email", &err), SH_OK);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		sh_error_init(&err);
		assert_int_equal(deliver_check_email(bad[i], "email", &err), SH_EINVAL);
	}
	assert_int_equal(deliver_check_secret("0123456789abcdef", "s", &err), SH_OK);
	assert_int_equal(deliver_check_secret("0123456789abcde", "s", &err), SH_EINVAL);
	assert_int_equal(deliver_check_secret("0123456789 abcdef", "s", &err), SH_EINVAL);
}

static struct outbox_rec row(const char *kind, int stage, const char *role)
{
	struct outbox_rec r = { 0 };

	r.id = 42;
	r.kind = kind;
	r.stage = stage;
	r.role = role;
	r.case_id = "SH-0123456789";
	r.step = "advocate_on_scene";
	r.step_title = "Advocate on scene";
	r.due_at = 1700005400;
	r.area = "compton";
	r.agency_id = 5;
	r.agency_name = "Advocates United";
	r.user_id = 7;
	r.username = "adv";
	r.display_name = "Synthetic adv";
	r.channel = "webhook";
	r.target = "adv@county.example";
	r.created_at = 1700000000;
	return r;
}

static void messages(void **state)
{
	struct outbox_rec r = row("summons", 0, "on_call");
	struct buf b = BUF_INIT;
	json_t *j;

	UNUSED(state);
	assert_int_equal(message_json(&r, "en", "https://sh.county.example", &b), SH_OK);
	j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "summons");
	assert_string_equal(json_string_value(json_object_get(j, "case_url")),
			    "https://sh.county.example/cases/SH-0123456789");
	assert_string_equal(json_string_value(json_object_get(j, "ack_url")),
			    "https://sh.county.example/api/v1/notifications/42/ack");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "step"), "due_at")),
		"2023-11-14T23:43:20Z");
	assert_string_equal(json_string_value(json_object_get(j, "area")), "compton");
	json_decref(j);
	/* the stages are named */
	buf_reset(&b);
	r = row("summons", 2, "fallback");
	assert_int_equal(message_json(&r, "en", "", &b), SH_OK);
	assert_non_null(strstr(b.data, "\"type\":\"summons_fallback\""));
	assert_non_null(strstr(b.data, "\"case_url\":\"/cases/SH-0123456789\""));
	assert_string_equal(
		message_headline(&(struct outbox_rec){ .kind = "overdue", .role = "supervisor" },
				 "en"),
		"Overdue");
	/* e-mail: headers with CRLF, a stable Message-ID, no header injection */
	buf_reset(&b);
	r = row("due_soon", 0, "on_call");
	r.area = "compton\r\nBcc: someone@else.example";
	assert_int_equal(message_email(&r, "en", "https://sh.county.example",
				       "safeharbor@county.example", 1700000000, &b),
			 SH_OK);
	assert_non_null(strstr(b.data, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(b.data, "\r\nMessage-ID: <sh-notification-42@county.example>\r\n"));
	assert_non_null(strstr(b.data,
			       "\r\nSubject: [safeharbor] Due soon: Advocate on scene due "
			       "2023-11-14T23:43:20Z (area comptonBcc: someone@else.example)\r\n"));
	{
		/* the header block (up to the blank line) has no injected header */
		char *blank = strstr(b.data, "\r\n\r\n");
		assert_non_null(blank);
		*blank = '\0';
		assert_null(strstr(b.data, "\r\nBcc:"));
		*blank = '\r';
	}
	assert_non_null(strstr(b.data, "X-Safeharbor-Type: due_soon\r\n"));
	assert_non_null(strstr(b.data, "carries no details about the youth"));
	/* in Spanish for a recipient who reads Spanish (the step's title is given in it) */
	buf_reset(&b);
	r = row("overdue", 0, "on_call");
	r.step_title = "Defensor en el lugar";
	assert_int_equal(message_email(&r, "es", "https://sh.county.example",
				       "safeharbor@county.example", 1700000000, &b),
			 SH_OK);
	assert_non_null(strstr(b.data,
			       "\r\nSubject: [safeharbor] Vencido: Defensor en el lugar venció "
			       "2023-11-14T23:43:20Z (zona compton)\r\n"));
	assert_non_null(strstr(b.data, "Este mensaje no lleva ningún dato del joven."));
	assert_null(strstr(b.data, "Sign in"));
	buf_reset(&b);
	assert_int_equal(message_json(&r, "es", "", &b), SH_OK);
	assert_non_null(strstr(b.data, "\"language\":\"es\""));
	assert_non_null(strstr(b.data, "safeharbor Vencido: Defensor en el lugar, venció"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signature_matches_reference),
		cmocka_unit_test(webhook_addresses),
		cmocka_unit_test(webhook_internal_addresses_refused),
		cmocka_unit_test(webhook_allow_list),
		cmocka_unit_test(delivery_refuses_internal_addresses),
		cmocka_unit_test(email_addresses_and_secrets),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests_name("deliver", tests, NULL, NULL);
}
