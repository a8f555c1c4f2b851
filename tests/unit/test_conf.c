/* lib/conf.c: the configuration file, environment and flags; lib/sdnotify.c. */
#include "lib/common.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "lib/buf.h"
#include "lib/conf.h"
#include "lib/sdnotify.h"

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/sh-conf-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void file_values_and_sources(void **state)
{
	char *path = write_file("# a comment\n"
				"db = /var/lib/safeharbor/safeharbor.db\n"
				"\n"
				"listen = [::1]:8443   # IPv6\n"
				"secure_cookies = yes\n"
				"trusted_proxies = 127.0.0.1,  10.0.0.0/8 ::1\n"
				"public_url = \"https://frp.example.invalid/#x\"\n");
	struct sh_error err = SH_ERROR_INIT;
	struct conf c;
	char where[300];

	UNUSED(state);
	conf_init(&c);
	assert_string_equal(conf_get(&c, CONF_LISTEN), "127.0.0.1:8080");
	assert_string_equal(c.source[CONF_LISTEN], "default");
	assert_int_equal(conf_read_file(&c, path, &err), SH_OK);
	assert_string_equal(conf_get(&c, CONF_DB), "/var/lib/safeharbor/safeharbor.db");
	snprintf(where, sizeof(where), "%s:2", path);
	assert_string_equal(c.source[CONF_DB], where);
	assert_string_equal(conf_get(&c, CONF_LISTEN), "[::1]:8443");
	assert_true(conf_bool(&c, CONF_SECURE_COOKIES));
	assert_string_equal(conf_get(&c, CONF_TRUSTED_PROXIES), "127.0.0.1,10.0.0.0/8,::1");
	assert_string_equal(conf_get(&c, CONF_PUBLIC_URL), "https://frp.example.invalid/#x");
	/* the environment wins over the file, a flag over both */
	setenv("SAFEHARBOR_SESSION_IDLE", "60", 1);
	assert_int_equal(conf_read_env(&c, &err), SH_OK);
	unsetenv("SAFEHARBOR_SESSION_IDLE");
	assert_int_equal(conf_long(&c, CONF_SESSION_IDLE), 60);
	assert_string_equal(c.source[CONF_SESSION_IDLE], "environment SAFEHARBOR_SESSION_IDLE");
	assert_int_equal(conf_set(&c, CONF_SESSION_IDLE, "120", "flag --session-idle", &err),
			 SH_OK);
	assert_int_equal(conf_long(&c, CONF_SESSION_IDLE), 120);
	conf_release(&c);
	unlink(path);
	free(path);
}

static void every_problem_named_by_line_and_nothing_set(void **state)
{
	char *path = write_file("db = /x.db\n"
				"listen = 1.2.3:80\n"
				"colour = blue\n"
				"session_idle = 0\n"
				"just words\n"
				"db = /y.db\n"
				"log_format = xml\n");
	struct sh_error err = SH_ERROR_INIT;
	struct conf c;
	char f[300];

	UNUSED(state);
	conf_init(&c);
	assert_int_equal(conf_read_file(&c, path, &err), SH_EINVAL);
	assert_int_equal(err.nfields, 6);
	snprintf(f, sizeof(f), "%s:2", path);
	assert_string_equal(err.fields[0].field, f);
	assert_non_null(strstr(err.fields[0].message, "listen: ADDRESS:PORT"));
	assert_non_null(strstr(err.fields[1].message, "unknown key 'colour'"));
	assert_non_null(strstr(err.fields[2].message, "session_idle: a number of seconds"));
	assert_non_null(strstr(err.fields[3].message, "expected 'key = value'"));
	assert_non_null(strstr(err.fields[4].message, "db is set twice (first on line 1)"));
	assert_non_null(strstr(err.fields[5].message, "log_format: one of text|json"));
	/* a file with a problem changes nothing */
	assert_string_equal(conf_get(&c, CONF_DB), "./var/safeharbor.db");
	conf_release(&c);
	unlink(path);
	free(path);
}

static void values_are_checked(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct conf c;

	UNUSED(state);
	conf_init(&c);
	assert_int_equal(conf_set(&c, CONF_TRUSTED_PROXIES, "10.0.0.0/33", "t", &err), SH_EINVAL);
	assert_non_null(strstr(err.detail, "'10.0.0.0/33' is neither"));
	assert_int_equal(conf_set(&c, CONF_METRICS_TOKEN, "short", "t", &err), SH_EINVAL);
	assert_null(strstr(err.detail, "short")); /* a secret is never echoed */
	assert_int_equal(conf_set(&c, CONF_PUBLIC_URL, "ftp://x", "t", &err), SH_EINVAL);
	assert_int_equal(conf_set(&c, CONF_SECURE_COOKIES, "maybe", "t", &err), SH_EINVAL);
	assert_int_equal(conf_set(&c, CONF_METRICS_LISTEN, "", "t", &err), SH_OK);
	assert_int_equal(conf_set(&c, CONF_DB, "", "t", &err), SH_EINVAL);
	assert_int_equal(conf_key_by_name("session_max"), CONF_SESSION_MAX);
	assert_int_equal(conf_key_by_name("nope"), -1);
	conf_release(&c);
}

/* trusted_proxies is checked with lib/netaddr (the one address parser): ranges over each
 * family's own bits, no host names, at most NETADDR_LIST_MAX entries */
static void proxies_checked(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct buf many = BUF_INIT;
	struct conf c;

	UNUSED(state);
	conf_init(&c);
	assert_int_equal(
		conf_set(&c, CONF_TRUSTED_PROXIES, "192.168.0.0/16 ::1\tfd00::/8", "t", &err),
		SH_OK);
	assert_string_equal(conf_get(&c, CONF_TRUSTED_PROXIES), "192.168.0.0/16,::1,fd00::/8");
	assert_int_equal(conf_set(&c, CONF_TRUSTED_PROXIES, "::1/129", "t", &err), SH_EINVAL);
	assert_int_equal(conf_set(&c, CONF_TRUSTED_PROXIES, "example.org", "t", &err), SH_EINVAL);
	for (int i = 0; i <= 32; i++)
		buf_addf(&many, "%s10.0.0.%d", i ? "," : "", i);
	assert_int_equal(conf_set(&c, CONF_TRUSTED_PROXIES, many.data, "t", &err), SH_EINVAL);
	assert_int_equal(conf_set(&c, CONF_MAX_CONNS_PER_IP, "0", "t", &err), SH_EINVAL);
	assert_int_equal(conf_set(&c, CONF_MAX_CONNS_PER_IP, "8", "t", &err), SH_OK);
	assert_int_equal(conf_long(&c, CONF_MAX_CONNS_PER_IP), 8);
	buf_release(&many);
	conf_release(&c);
}

static void sd_notify_datagram(void **state)
{
	struct sh_error err = SH_ERROR_INIT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[] = "/tmp/sh-notify-XXXXXX", got[128];
	int fd;
	ssize_t n;

	UNUSED(state);
	/* without a socket: nothing to do */
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify("READY=1", &err), SH_OK);
	assert_non_null(mkdtemp(path));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	assert_int_equal(sdnotify("READY=1\nSTATUS=serving", &err), SH_OK);
	n = recv(fd, got, sizeof(got) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 22);
	got[n] = '\0';
	assert_string_equal(got, "READY=1\nSTATUS=serving");
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(sdnotify("READY=1", &err), SH_EINVAL);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(sa.sun_path);
	rmdir(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_values_and_sources),
		cmocka_unit_test(every_problem_named_by_line_and_nothing_set),
		cmocka_unit_test(values_are_checked),
		cmocka_unit_test(proxies_checked),
		cmocka_unit_test(sd_notify_datagram),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
