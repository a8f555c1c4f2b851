#ifndef SH_MESSAGE_H
#define SH_MESSAGE_H
/*
 * What a notification says, rendered from its outbox row. By construction it can
 * carry nothing about the youth: an outbox row holds only the case id, the area,
 * the step (key, title, episode, due time), the agency and the recipient. The
 * case link needs a sign-in. No I/O.
 */
#include <stdint.h>
#include "lib/buf.h"
#include "store/records.h"

/* "Summons", "Repeated summons", ..., "Overdue": the headline of a message, in lang ("en" or
 * "es"; a static string). */
const char *message_headline(const struct outbox_rec *r, const char *lang);

/*
 * The webhook body (JSON, compact, sorted keys), appended to out: id, type, stage,
 * role, case_id, case_url, area, agency, step {key, title, episode, due_at},
 * recipient, ack_url, created_at and a one-line text for pagers and SMS.
 * public_url may be empty (links are then paths).
 */
enum sh_code message_json(const struct outbox_rec *r, const char *lang, const char *public_url,
			  struct buf *out);

/* The one-line text (also inside the JSON), appended to out. */
enum sh_code message_text(const struct outbox_rec *r, const char *lang, const char *public_url,
			  struct buf *out);

/*
 * The e-mail as sent over SMTP: headers (Date at now, From, To, Subject, a stable
 * Message-ID per notification, plain UTF-8 text) and body, CRLF line ends,
 * appended to out. Header values come from validated fields; CR and LF are dropped
 * from them all the same.
 */
enum sh_code message_email(const struct outbox_rec *r, const char *lang, const char *public_url,
			   const char *from, int64_t now, struct buf *out);

#endif
