#include "lib/common.h"
#include <sodium.h>
#include <stdatomic.h>
#include "lib/arena.h"
#include "lib/jsonh.h"
#include "lib/log.h"
#include "lib/ticker.h"
#include "notify/config.h"
#include "notify/deliver.h"
#include "notify/message.h"
#include "notify/summons.h"
#include "notify/worker.h"

#define CLAIM_BATCH 4

struct notify_worker;

struct thread {
	struct notify_worker *w;
	char id[80];		    /* claimed_by: unique per process and thread */
	const atomic_bool *stop;    /* the ticker's */
	atomic_int_fast64_t due_by; /* CLOCK_MONOTONIC second by which it goes round again */
	/* the settings as this thread last read them */
	struct escalation_config cfg;
	char bad[96];
	int64_t loaded, next_scan;
};

struct notify_worker {
	struct notify_worker_options o;
	char public_url[ESCALATION_TEXT_MAX];
	char *smtp_password;
	struct ticker *ticker;
	atomic_llong scans; /* escalation scans finished (for /metrics) */
	int nthreads;
	struct thread *threads;
	bool curl_ready;
};

/* ---- one attempt ---- */

struct finish_arg {
	struct outbox_rec *r;
	const char *worker;
};

static enum sh_code finish_fn(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct finish_arg *f = arg;

	return store_outbox_finish(c, f->r, f->worker, err);
}

/* The recipient's language (the `language` preference: "en" or "es"); "en" when unset or
 * unreadable. */
static const char *recipient_language(struct notify_worker *w, int64_t user_id)
{
	struct sh_error err = SH_ERROR_INIT;
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	const char *lang = "en";
	char *v = NULL;

	if (!store_read_begin(w->o.store, &c, &err)) {
		if (!store_pref_get(c, user_id, "language", &a, &v, &err) && v) {
			json_t *j = json_loads(v, 0, NULL);
			if (j &&
			    !strcmp(jsonh_str(j, "language") ? jsonh_str(j, "language") : "", "es"))
				lang = "es";
			json_decref(j);
		}
		store_read_end(c);
	}
	arena_release(&a);
	return lang;
}

/* Delivers one claimed row and records the result (nothing when stopped mid-way). */
static void deliver_one(struct thread *t, const struct escalation_config *cfg,
			struct outbox_rec *row, int64_t now)
{
	struct notify_worker *w = t->w;
	const char *public_url = w->public_url[0] ? w->public_url : cfg->public_url;
	const char *lang = recipient_language(w, row->user_id);
	/* the message in the recipient's language; the row itself is recorded as it is */
	struct outbox_rec said = *row, *r = row;
	const char *es = !strcmp(lang, "es") && w->o.step_title_es
				 ? w->o.step_title_es(w->o.title_ctx, row->step)
				 : NULL;

	if (es)
		said.step_title = es;
	struct deliver_result res = { 0 };
	struct buf msg = BUF_INIT, secret = BUF_INIT;
	struct sh_error err = SH_ERROR_INIT;
	struct finish_arg f = { r, t->id };

	if (!strcmp(r->channel, "webhook")) {
		if (!r->webhook_url || !r->webhook_secret) {
			snprintf(res.error, sizeof(res.error),
				 "the recipient has no webhook address now");
		} else if (shcrypto_open(w->o.keys, r->webhook_secret, r->webhook_secret_len,
					 sealed_context[SEALED_WEBHOOK_SECRET], &secret, &err)) {
			snprintf(res.error, sizeof(res.error),
				 "the webhook secret cannot be opened");
		} else if (message_json(&said, lang, public_url, &msg)) {
			snprintf(res.error, sizeof(res.error), "out of memory");
		} else {
			struct deliver_policy pol = { &cfg->webhook_allow_list, false };
			said.target = r->target = r->webhook_url;
			deliver_webhook(r->webhook_url, &pol, secret.data, secret.len, msg.data,
					msg.len, r->id, now, cfg->timeout, t->stop, &res);
		}
	} else {
		struct deliver_smtp smtp = { cfg->smtp_url, cfg->smtp_user, w->smtp_password,
					     cfg->mail_from };
		if (!r->email) {
			snprintf(res.error, sizeof(res.error),
				 "the recipient has no e-mail address now");
		} else {
			said.target = r->target = r->email;
			if (message_email(&said, lang, public_url, cfg->mail_from, now, &msg))
				snprintf(res.error, sizeof(res.error), "out of memory");
			else
				deliver_email(&smtp, r->email, msg.data, msg.len, cfg->timeout,
					      t->stop, &res);
		}
	}
	buf_wipe(&secret);
	buf_release(&msg);
	if (res.aborted) {
		/* not an attempt: it stays pending and the claim is given back at stop */
		return;
	}
	r->attempts++;
	r->last_error = res.ok ? NULL : res.error;
	if (res.ok) {
		r->status = "sent";
		r->sent_at = now;
	} else if (escalation_give_up(cfg, r->attempts)) {
		r->status = "failed";
	} else {
		r->status = "pending";
		r->next_attempt_at = now + escalation_backoff(cfg, r->attempts);
	}
	sh_error_init(&err);
	if (store_write(w->o.store, finish_fn, &f, &err))
		log_error("notify: notification %" PRId64 ": the result could not be recorded: %s",
			  r->id, err.detail);
	/* ids, channels and outcomes only: never addresses or message content */
	if (res.ok)
		log_info("notify: notification %" PRId64 " (%s, %s) sent, attempt %d", r->id,
			 r->kind, r->channel, r->attempts);
	else
		log_warn("notify: notification %" PRId64 " (%s, %s) attempt %d failed (%s)%s",
			 r->id, r->kind, r->channel, r->attempts, res.error,
			 !strcmp(r->status, "failed") ? "; giving up" : "");
}

struct claim_arg {
	const char *worker;
	int64_t now, until;
	struct arena *a;
	struct outbox_rec *rows;
	size_t n;
};

static enum sh_code claim_fn(struct store_conn *c, void *arg, struct sh_error *err)
{
	struct claim_arg *x = arg;

	return store_outbox_claim(c, x->worker, x->now, x->until, CLAIM_BATCH, x->a, &x->rows,
				  &x->n, err);
}

static void load_config(struct notify_worker *w, struct escalation_config *cfg, char bad[96],
			bool report);

/* Claims and delivers what is due; true when it found work (poll again at once). The settings
 * are read again once rows are claimed: a change committed before a message was queued (the
 * webhook allow-list, the timeout) is in force for its delivery. */
static bool deliver_due(struct thread *t, struct escalation_config *cfg, char bad[96], int64_t now,
			struct arena *a)
{
	struct notify_worker *w = t->w;
	struct store_conn *c;
	struct sh_error err;
	struct claim_arg x = { t->id, now, now + cfg->lease, a, NULL, 0 };
	int64_t due = 0;
	enum sh_code rc;

	sh_error_init(&err);
	/* a read first: the writer only sees a claim when something is due */
	if (store_read_begin(w->o.store, &c, &err))
		return false;
	rc = store_outbox_next_due(c, &due, &err);
	store_read_end(c);
	if (rc || !due || due > now)
		return false;
	if (store_write(w->o.store, claim_fn, &x, &err)) {
		log_warn("notify: claiming failed: %s", err.detail);
		return false;
	}
	if (x.n)
		load_config(w, cfg, bad, false);
	for (size_t i = 0; i < x.n && !atomic_load(t->stop); i++)
		deliver_one(t, cfg, &x.rows[i], clock_now(&w->o.clock));
	return x.n > 0;
}

static enum sh_code release_fn(struct store_conn *c, void *arg, struct sh_error *err)
{
	return store_outbox_release(c, arg, err);
}

/* Re-reads the settings; report: log a setting that turned invalid (one thread does). */
static void load_config(struct notify_worker *w, struct escalation_config *cfg, char bad[96],
			bool report)
{
	struct arena a = ARENA_INIT;
	struct store_conn *c;
	struct sh_error err;
	struct escalation_config fresh;
	char now_bad[96] = "";

	sh_error_init(&err);
	if (!store_read_begin(w->o.store, &c, &err)) {
		if (!notify_config_load(c, &fresh, &a, now_bad, &err))
			*cfg = fresh;
		store_read_end(c);
	}
	if (report && now_bad[0] && strcmp(now_bad, bad))
		log_warn("notify: setting %s is not valid; using its default", now_bad);
	snprintf(bad, 96, "%s", now_bad);
	arena_release(&a);
}

static const char *title_of(void *ctx, int64_t protocol_id, const char *step)
{
	struct notify_worker *w = ctx;

	return w->o.step_title ? w->o.step_title(w->o.title_ctx, protocol_id, step) : step;
}

static int64_t mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t notify_worker_scans(struct notify_worker *w)
{
	return w ? (int64_t)atomic_load(&w->scans) : 0;
}

bool notify_worker_alive(const struct notify_worker *w, char *why, size_t size)
{
	int64_t now = mono_seconds();

	if (!w) {
		snprintf(why, size, "the notification worker is not running");
		return false;
	}
	for (int i = 0; i < w->nthreads; i++) {
		int64_t due = atomic_load(&w->threads[i].due_by);
		if (due && now > due) {
			snprintf(why, size,
				 "delivery thread %d has not gone round for %" PRId64 " s", i,
				 now - due);
			return false;
		}
	}
	return true;
}

/* A round: a scan (the first thread), a claim and up to CLAIM_BATCH deliveries. */
static int64_t tick(void *ctx, const struct ticker *tk, int index)
{
	struct notify_worker *w = ctx;
	struct thread *t = &w->threads[index];
	struct escalation_config *cfg = &t->cfg;
	struct sh_error err;
	struct arena a = ARENA_INIT;
	int64_t now = clock_now(&w->o.clock);
	bool busy = false;

	sh_error_init(&err);
	t->stop = ticker_stop_flag(tk);
	/* a round takes up to CLAIM_BATCH + 1 deliveries of `timeout` each */
	atomic_store(&t->due_by, mono_seconds() + 60 + (int64_t)cfg->scan_interval +
					 (int64_t)(CLAIM_BATCH + 1) * cfg->timeout +
					 cfg->poll_ms / 1000);
	if (now != t->loaded) {
		load_config(w, cfg, t->bad, index == 0);
		t->loaded = now;
	}
	if (cfg->enabled && index == 0 && now >= t->next_scan) {
		struct summons_scan x = { cfg, now, title_of, w, 0 };
		int queued = 0;
		if (summons_scan(w->o.store, &x, &queued, &err))
			log_warn("notify: escalation scan failed: %s", err.detail);
		else if (queued)
			log_info("notify: escalation scan queued %d notifications", queued);
		atomic_fetch_add(&w->scans, 1);
		t->next_scan = now + cfg->scan_interval;
	}
	if (cfg->enabled)
		busy = deliver_due(t, cfg, t->bad, now, &a);
	arena_release(&a);
	return busy ? 0 : cfg->poll_ms;
}

enum sh_code notify_worker_start(const struct notify_worker_options *o, struct notify_worker **out,
				 struct sh_error *err)
{
	struct notify_worker *w;
	struct escalation_config cfg;
	struct store_conn *c;
	struct arena a = ARENA_INIT;
	const char *pw = getenv("SAFEHARBOR_SMTP_PASSWORD");
	char rnd[9], bad[96] = "";
	enum sh_code rc;

	*out = NULL;
	if (!(w = calloc(1, sizeof(*w))))
		return sh_error_set(err, SH_ENOMEM, "out of memory");
	w->o = *o;
	snprintf(w->public_url, sizeof(w->public_url), "%s", o->public_url ? o->public_url : "");
	for (size_t n = strlen(w->public_url); n && w->public_url[n - 1] == '/'; n--)
		w->public_url[n - 1] = '\0';
	w->smtp_password = pw ? strdup(pw) : NULL;
	if ((rc = deliver_global_init(err)))
		goto fail;
	w->curl_ready = true;
	/* the number of threads is read once */
	escalation_config_defaults(&cfg);
	if (!(rc = store_read_begin(o->store, &c, err))) {
		rc = notify_config_load(c, &cfg, &a, bad, err);
		store_read_end(c);
	}
	arena_release(&a);
	if (rc)
		goto fail;
	w->threads = calloc((size_t)cfg.workers, sizeof(*w->threads));
	if (!w->threads) {
		rc = sh_error_set(err, SH_ENOMEM, "out of memory");
		goto fail;
	}
	shcrypto_random_hex(rnd, 4);
	for (int i = 0; i < cfg.workers; i++) {
		struct thread *t = &w->threads[i];
		t->w = w;
		snprintf(t->id, sizeof(t->id), "%ld-%s-%d", (long)getpid(), rnd, i);
		escalation_config_defaults(&t->cfg);
	}
	if ((rc = ticker_start(
		     &(struct ticker_options){ .fn = tick, .ctx = w, .threads = cfg.workers },
		     &w->ticker, err)))
		goto fail;
	w->nthreads = cfg.workers;
	log_info("notify: worker started (%d delivery threads)", w->nthreads);
	*out = w;
	return SH_OK;
fail:
	notify_worker_stop(w);
	return rc;
}

void notify_worker_stop(struct notify_worker *w)
{
	if (!w)
		return;
	ticker_stop(w->ticker);
	for (int i = 0; i < w->nthreads; i++) {
		struct sh_error err = SH_ERROR_INIT;
		if (store_write(w->o.store, release_fn, w->threads[i].id, &err))
			log_warn("notify: giving back claims failed: %s", err.detail);
	}
	if (w->curl_ready)
		deliver_global_cleanup();
	if (w->smtp_password) {
		sodium_memzero(w->smtp_password, strlen(w->smtp_password));
		free(w->smtp_password);
	}
	free(w->threads);
	free(w);
}
