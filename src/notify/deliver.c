#include "lib/common.h"
#include "lib/catalog.h"
#include <ctype.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sodium.h>
#include "lib/buf.h"
#include "lib/shcrypto.h"
#include "lib/netaddr.h"
#include "notify/deliver.h"

#define URL_MAX 500

enum sh_code deliver_global_init(struct sh_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return sh_error_set(err, SH_EINTERNAL, "libcurl could not be initialised");
	return SH_OK;
}

void deliver_global_cleanup(void)
{
	curl_global_cleanup();
}

void deliver_sign(const void *secret, size_t secret_len, int64_t timestamp, const void *body,
		  size_t len, char out[DELIVER_SIG_LEN])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];

	snprintf(ts, sizeof(ts), "%" PRId64 ".", timestamp);
	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	shcrypto_hex(mac, sizeof(mac), out + 7);
	sodium_memzero(&st, sizeof(st));
}

/* The parts of a URL; false when it does not parse. Frees nothing the caller keeps. */
static bool url_parts(const char *url, char *scheme, size_t ns, char *host, size_t nh, char *port,
		      size_t np, bool *credentials)
{
	CURLU *u = curl_url();
	char *p = NULL;
	bool ok = false;

	*credentials = false;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &p, 0) != CURLUE_OK)
		goto out;
	snprintf(scheme, ns, "%s", p);
	curl_free(p);
	p = NULL;
	/* the host as libcurl will use it: "2130706433" and "0x7f.1" come back as 127.0.0.1 */
	if (curl_url_get(u, CURLUPART_HOST, &p, 0) != CURLUE_OK)
		goto out;
	snprintf(host, nh, "%s", p);
	curl_free(p);
	p = NULL;
	if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	snprintf(port, np, "%s", p);
	curl_free(p);
	p = NULL;
	if (curl_url_get(u, CURLUPART_USER, &p, 0) == CURLUE_OK) {
		*credentials = true;
		curl_free(p);
		p = NULL;
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &p, 0) == CURLUE_OK) {
		*credentials = true;
		curl_free(p);
		p = NULL;
	}
	ok = true;
out:
	curl_url_cleanup(u);
	return ok;
}

static bool loopback_host(const char *host)
{
	if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") || !strcmp(host, "::1"))
		return true;
	if (strncmp(host, "127.", 4))
		return false;
	for (const char *p = host + 4; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	return true;
}

bool deliver_is_loopback(const char *url)
{
	char scheme[16], host[256], port[8];
	bool creds;

	return url &&
	       url_parts(url, scheme, sizeof(scheme), host, sizeof(host), port, sizeof(port),
			 &creds) &&
	       loopback_host(host);
}

static const char PLAIN_HTTP[] =
	N_("not a loopback address (plain http:// is only for a gateway on this host)");

/* Why a webhook may not reach a (NULL: it may). */
static const char *judge(const struct netaddr *a, bool plain_http, const struct deliver_policy *pol)
{
	const char *why;

	if (pol->any_address)
		return NULL;
	why = netaddr_special(a);
	if (plain_http && (!why || strcmp(why, "loopback")))
		return PLAIN_HTTP;
	if (why && !netaddr_list_has(pol->allow, a))
		return why;
	return NULL;
}

/*
 * Resolves host and judges every address it has (one bad address is enough to refuse:
 * DNS may hand out any of them). *n gets how many there were (0: the name does not
 * resolve); *pinned the first, to connect to. NULL, or the reason to refuse.
 */
static const char *resolve_judged(const char *host, const char *port, bool plain_http,
				  const struct deliver_policy *pol, struct netaddr *pinned, int *n)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char name[256];
	const char *why = NULL;
	size_t len = strlen(host);

	*n = 0;
	/* an IPv6 literal comes back from the URL parser in brackets */
	if (len > 2 && host[0] == '[' && host[len - 1] == ']')
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), host + 1);
	else
		snprintf(name, sizeof(name), "%s", host);
	if (getaddrinfo(name, port, &hints, &res) || !res)
		return NULL;
	for (struct addrinfo *ai = res; ai && !why; ai = ai->ai_next) {
		struct netaddr a;
		if (!netaddr_from_sockaddr(ai->ai_addr, &a))
			continue;
		why = judge(&a, plain_http, pol);
		if (!(*n)++)
			*pinned = a;
	}
	freeaddrinfo(res);
	return why;
}

static enum sh_code refused(const char *field, const char *why, struct sh_error *err)
{
	if (why == PLAIN_HTTP)
		return sh_error_field(
			err, SH_EINVAL, field,
			"must be https:// (plain http:// only to a loopback address)");
	return sh_error_field(err, SH_EINVAL, field,
			      "reaches an address that is %s: webhooks may not reach loopback, "
			      "private, link-local, shared, multicast, reserved or cloud metadata "
			      "addresses (an operator may allow some with notify.webhook_allow)",
			      why);
}

/* The checks that need no name resolution; fills scheme, host and port. */
static enum sh_code check_syntax(const char *url, const char *field, char scheme[16],
				 char host[256], char port[8], struct sh_error *err)
{
	bool creds;

	if (!url || !*url || strlen(url) > URL_MAX)
		return sh_error_field(err, SH_EINVAL, field,
				      "must be a URL of at most %d characters", URL_MAX);
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return sh_error_field(err, SH_EINVAL, field,
					      "must not contain spaces or control characters");
	if (!url_parts(url, scheme, 16, host, 256, port, 8, &creds) ||
	    (strcasecmp(scheme, "https") && strcasecmp(scheme, "http")) ||
	    (strncasecmp(url, "https://", 8) && strncasecmp(url, "http://", 7)))
		return sh_error_field(err, SH_EINVAL, field, "must be an https:// URL");
	if (creds)
		return sh_error_field(err, SH_EINVAL, field,
				      "must not carry a user name or password; the body is signed "
				      "with the secret instead");
	return SH_OK;
}

enum sh_code deliver_check_webhook_url(const char *url, const char *field,
				       const struct deliver_policy *pol, struct sh_error *err)
{
	char scheme[16], host[256], port[8];
	struct netaddr pinned;
	const char *why;
	bool plain_http;
	int n;
	enum sh_code rc;

	if ((rc = check_syntax(url, field, scheme, host, port, err)))
		return rc;
	plain_http = !strcasecmp(scheme, "http");
	/* a name that does not resolve now is judged at each delivery (plain http:// must
	 * be seen to reach loopback now) */
	if ((why = resolve_judged(host, port, plain_http, pol, &pinned, &n)))
		return refused(field, why, err);
	if (!n && plain_http)
		return refused(field, PLAIN_HTTP, err);
	return SH_OK;
}

static bool local_char(unsigned char ch)
{
	return isalnum(ch) || strchr(".!#$%&'*+/=?^_`{|}~-", ch);
}

enum sh_code deliver_check_email(const char *addr, const char *field, struct sh_error *err)
{
	const char *at = addr ? strchr(addr, '@') : NULL;
	size_t n = addr ? strlen(addr) : 0, label = 0;
	bool dot = false;

	if (!at || n > 254 || at == addr || at - addr > 64 || strchr(at + 1, '@') || !at[1])
		goto bad;
	for (const char *p = addr; p < at; p++)
		if (!local_char((unsigned char)*p))
			goto bad;
	for (const char *p = at + 1; *p; p++) {
		if (*p == '.') {
			if (!label)
				goto bad;
			dot = true;
			label = 0;
		} else if (isalnum((unsigned char)*p) || (*p == '-' && label)) {
			if (++label > 63)
				goto bad;
		} else {
			goto bad;
		}
	}
	if (!dot || !label)
		goto bad;
	return SH_OK;
bad:
	return sh_error_field(err, SH_EINVAL, field,
			      "must be an e-mail address such as oncall@agency.example");
}

enum sh_code deliver_check_secret(const char *secret, const char *field, struct sh_error *err)
{
	size_t n = secret ? strlen(secret) : 0;

	if (n < DELIVER_SECRET_MIN || n > DELIVER_SECRET_MAX)
		return sh_error_field(err, SH_EINVAL, field, "must be %d to %d characters",
				      DELIVER_SECRET_MIN, DELIVER_SECRET_MAX);
	for (const unsigned char *p = (const unsigned char *)secret; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return sh_error_field(err, SH_EINVAL, field,
					      "must be printable ASCII without spaces");
	return SH_OK;
}

/* ---- transfers ---- */

static int progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const atomic_bool *stop = arg;

	UNUSED(dt);
	UNUSED(dn);
	UNUSED(ut);
	UNUSED(un);
	return stop && atomic_load(stop) ? 1 : 0; /* non-zero aborts the transfer */
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	UNUSED(data);
	UNUSED(arg);
	return size * n;
}

/* Options every transfer shares: no signals (threads), no redirects, time limits. */
static void common_opts(CURL *h, int timeout_s, const atomic_bool *stop, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)(timeout_s < 5 ? timeout_s : 5));
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)stop);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	/* loopback targets never go through a proxy from the environment */
	curl_easy_setopt(h, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
}

static void finish(CURL *h, CURLcode cc, const char *errbuf, const atomic_bool *stop,
		   struct deliver_result *out)
{
	if (cc == CURLE_ABORTED_BY_CALLBACK && stop && atomic_load(stop)) {
		out->aborted = true;
		snprintf(out->error, sizeof(out->error), "stopped: the server is shutting down");
		return;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (cc != CURLE_OK) {
		snprintf(out->error, sizeof(out->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(cc));
		return;
	}
	out->ok = true;
}

struct guard {
	const struct deliver_policy *pol;
	bool plain_http;
	const char *why; /* set when a connection was refused */
};

/* Every socket libcurl opens is judged again: whatever resolved the name, the address
 * actually connected to is one the policy allows. */
static curl_socket_t open_guarded(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct guard *g = arg;
	struct netaddr a;

	if (purpose != CURLSOCKTYPE_IPCXN || !netaddr_from_sockaddr(&addr->addr, &a) ||
	    (g->why = judge(&a, g->plain_http, g->pol))) {
		if (!g->why)
			g->why = "not an IP address";
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

void deliver_webhook(const char *url, const struct deliver_policy *pol, const void *secret,
		     size_t secret_len, const char *body, size_t len, int64_t delivery_id,
		     int64_t now, int timeout_s, const atomic_bool *stop,
		     struct deliver_result *out)
{
	char errbuf[CURL_ERROR_SIZE] = "", sig[DELIVER_SIG_LEN], line[160];
	char scheme[16], host[256], port[8], addr[NETADDR_TEXT_LEN], pinline[320];
	struct curl_slist *hdr = NULL, *pin = NULL;
	struct sh_error ignored = SH_ERROR_INIT;
	struct guard g = { pol, false, NULL };
	struct netaddr pinned;
	const char *why;
	int naddr;
	CURL *h;
	CURLcode cc;

	memset(out, 0, sizeof(*out));
	if (check_syntax(url, "webhook_url", scheme, host, port, &ignored)) {
		snprintf(out->error, sizeof(out->error), "the webhook address is not acceptable");
		return;
	}
	/* resolved once, judged, and the connection pinned to what was judged: DNS cannot
	 * switch the address between the check and the connect */
	g.plain_http = !strcasecmp(scheme, "http");
	if ((why = resolve_judged(host, port, g.plain_http, pol, &pinned, &naddr))) {
		snprintf(out->error, sizeof(out->error), "the webhook address is refused: %s", why);
		return;
	}
	if (!naddr) {
		snprintf(out->error, sizeof(out->error),
			 "the webhook's host name does not resolve");
		return;
	}
	if (!(h = curl_easy_init())) {
		snprintf(out->error, sizeof(out->error), "libcurl: out of memory");
		return;
	}
	netaddr_format(&pinned, addr);
	if (netaddr_is_v4(&pinned))
		snprintf(pinline, sizeof(pinline), "%s:%s:%s", host, port, addr);
	else
		snprintf(pinline, sizeof(pinline), "%s:%s:[%s]", host, port, addr);
	pin = curl_slist_append(pin, pinline);
	deliver_sign(secret, secret_len, now, body, len, sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	snprintf(line, sizeof(line), "X-Safeharbor-Timestamp: %" PRId64, now);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Safeharbor-Signature: %s", sig);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "X-Safeharbor-Delivery: %" PRId64, delivery_id);
	hdr = curl_slist_append(hdr, line);
	hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
	common_opts(h, timeout_s, stop, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* straight to the judged address: no proxy (it would resolve the name itself) */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_RESOLVE, pin);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &g);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "safeharbor/" SH_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(h);
	finish(h, cc, errbuf, stop, out);
	if (g.why)
		snprintf(out->error, sizeof(out->error), "the webhook address is refused: %s",
			 g.why);
	else if (out->ok && (out->status < 200 || out->status > 299)) {
		out->ok = false;
		snprintf(out->error, sizeof(out->error), "the receiver answered HTTP %ld",
			 out->status);
	}
	curl_slist_free_all(hdr);
	curl_slist_free_all(pin);
	curl_easy_cleanup(h);
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t take = size * n;

	if (take > u->len - u->off)
		take = u->len - u->off;
	memcpy(dst, u->data + u->off, take);
	u->off += take;
	return take;
}

void deliver_email(const struct deliver_smtp *smtp, const char *to, const char *message, size_t len,
		   int timeout_s, const atomic_bool *stop, struct deliver_result *out)
{
	char errbuf[CURL_ERROR_SIZE] = "", addr[300];
	struct curl_slist *rcpt = NULL;
	struct upload up = { message, len, 0 };
	struct sh_error ignored = SH_ERROR_INIT;
	CURL *h;
	CURLcode cc;

	memset(out, 0, sizeof(*out));
	if (!smtp->url || !*smtp->url || !smtp->from || !*smtp->from) {
		snprintf(out->error, sizeof(out->error),
			 "no mail server: set notify.smtp_url and notify.mail_from");
		return;
	}
	if (deliver_check_email(to, "email", &ignored)) {
		snprintf(out->error, sizeof(out->error), "the e-mail address is not acceptable");
		return;
	}
	if (!(h = curl_easy_init())) {
		snprintf(out->error, sizeof(out->error), "libcurl: out of memory");
		return;
	}
	common_opts(h, timeout_s, stop, errbuf);
	curl_easy_setopt(h, CURLOPT_URL, smtp->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* STARTTLS is required except to a loopback relay; smtps:// is TLS from the start */
	if (strncmp(smtp->url, "smtps://", 8) && !deliver_is_loopback(smtp->url))
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (smtp->user && *smtp->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, smtp->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, smtp->password ? smtp->password : "");
	}
	snprintf(addr, sizeof(addr), "<%s>", smtp->from);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
	snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	cc = curl_easy_perform(h);
	finish(h, cc, errbuf, stop, out);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
}
