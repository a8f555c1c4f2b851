#ifndef SH_NOTIFY_WORKER_H
#define SH_NOTIFY_WORKER_H
/*
 * The notification worker inside `serve`: notify.workers threads that claim due
 * outbox rows (a lease, see store/sqlite_notify.c), deliver them with libcurl
 * outside any transaction, and record each attempt; the first thread also runs the
 * escalation scan every notify.scan_interval seconds. Network I/O never happens on
 * the writer thread or inside a write: the writer only sees short claim, result
 * and scan writes. Settings are re-read every second.
 */
#include "lib/error.h"
#include "lib/shcrypto.h"
#include "lib/timefmt.h"
#include "store/store.h"

struct notify_worker;

struct notify_worker_options {
	struct store *store;		  /* kept, not owned */
	const struct shcrypto_keys *keys; /* opens webhook secrets; kept, not owned */
	struct sh_clock clock;
	const char *public_url; /* overrides notify.public_url when set; copied */
	/* step titles for the scan's alert messages (a protocol version's step); kept */
	const char *(*step_title)(void *ctx, int64_t protocol_id, const char *step);
	/* a step's title in Spanish (NULL: none), for recipients who read Spanish; kept */
	const char *(*step_title_es)(void *ctx, const char *step);
	void *title_ctx;
};

/*
 * Starts the threads (libcurl is set up here: call before other threads use it).
 * The SMTP password is read once from $SAFEHARBOR_SMTP_PASSWORD. Stop with
 * notify_worker_stop().
 */
enum sh_code notify_worker_start(const struct notify_worker_options *o, struct notify_worker **out,
				 struct sh_error *err);
/*
 * Asks the threads to stop, aborts transfers in flight (they stay pending and are
 * not counted as attempts), gives back every claim, joins the threads and frees w.
 * Call before store_close(). Accepts NULL.
 */
void notify_worker_stop(struct notify_worker *w);
/*
 * For /readyz: every delivery thread went round its loop recently (each promises its
 * next round within a bound from its settings). false with why filled otherwise.
 */
bool notify_worker_alive(const struct notify_worker *w, char *why, size_t size);
/* Escalation scans finished since the start (0 for NULL): /metrics shows it, so that a
 * watcher can tell "nothing happened" from "nothing happened yet". */
int64_t notify_worker_scans(struct notify_worker *w);

#endif
