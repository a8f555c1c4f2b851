#include "lib/common.h"
#include "lib/jsonh.h"
#include "lib/timefmt.h"
#include "notify/message.h"

/* The words of the messages, in English and Spanish (the recipient's language preference;
 * docs/web.md, "Languages"): [0] English, [1] Spanish. */
enum word {
	W_DUE_SOON,
	W_OVERDUE,
	W_FALLBACK,
	W_SUPERVISOR,
	W_REPEATED,
	W_SUMMONS,
	W_EPISODE,
	W_WAS_DUE,
	W_DUE,
	W_AREA,
	W_CASE,
	W_STEP_LABEL,
	W_WAS_DUE_LABEL,
	W_DUE_LABEL,
	W_AREA_LABEL,
	W_AGENCY_LABEL,
	W_CASE_LABEL,
	W_ACK,
	W_ACK_END,
};

static const char *const words[][2] = {
	[W_DUE_SOON] = { "Due soon", "Vence pronto" },
	[W_OVERDUE] = { "Overdue", "Vencido" },
	[W_FALLBACK] = { "Summons (fallback: the on-call person has not answered)",
			 "Convocatoria (respaldo: la persona de guardia no ha respondido)" },
	[W_SUPERVISOR] = { "Summons unanswered (supervisor)",
			   "Convocatoria sin respuesta (supervisor)" },
	[W_REPEATED] = { "Repeated summons", "Convocatoria repetida" },
	[W_SUMMONS] = { "Summons", "Convocatoria" },
	[W_EPISODE] = { "episode", "episodio" },
	[W_WAS_DUE] = { "was due", "venció" },
	[W_DUE] = { "due", "vence" },
	[W_AREA] = { "area", "zona" },
	[W_CASE] = { "Case", "Caso" },
	[W_STEP_LABEL] = { "Step:    ", "Paso:    " },
	[W_WAS_DUE_LABEL] = { "Was due:", "Venció: " },
	[W_DUE_LABEL] = { "Due:    ", "Vence:  " },
	[W_AREA_LABEL] = { "Area:    ", "Zona:    " },
	[W_AGENCY_LABEL] = { "Agency:  ", "Agencia: " },
	[W_CASE_LABEL] = { "Case:    ", "Caso:    " },
	[W_ACK] = { "Acknowledge: open the case link, sign in and press \"Acknowledge\" (or record\r\n"
		    "the step as done). Programs: POST ",
		    "Para confirmar: abra el enlace del caso, inicie sesión y pulse \"Confirmar "
		    "recibido\"\r\n(o registre el paso como hecho). Programas: POST " },
	[W_ACK_END] = { ".\r\n\r\nSign in to see the case. This message carries no details about the "
			"youth.\r\n",
			".\r\n\r\nInicie sesión para ver el caso. Este mensaje no lleva ningún dato "
			"del joven.\r\n" },
};

static const char *w(const char *lang, enum word k)
{
	return words[k][lang && !strcmp(lang, "es")];
}

const char *message_headline(const struct outbox_rec *r, const char *lang)
{
	if (!strcmp(r->kind, "due_soon"))
		return w(lang, W_DUE_SOON);
	if (!strcmp(r->kind, "overdue"))
		return w(lang, W_OVERDUE);
	if (!strcmp(r->role, "fallback"))
		return w(lang, W_FALLBACK);
	if (!strcmp(r->role, "supervisor"))
		return w(lang, W_SUPERVISOR);
	return w(lang, r->stage > 0 ? W_REPEATED : W_SUMMONS);
}

static const char *type_name(const struct outbox_rec *r)
{
	if (strcmp(r->kind, "summons"))
		return r->kind; /* due_soon, overdue */
	if (!strcmp(r->role, "fallback"))
		return "summons_fallback";
	if (!strcmp(r->role, "supervisor"))
		return "summons_supervisor";
	return r->stage > 0 ? "summons_repeat" : "summons";
}

static char *make_link(const char *public_url, const char *fmt_path, const char *id, char *out,
		       size_t size)
{
	snprintf(out, size, "%s%s%s", public_url ? public_url : "", fmt_path, id);
	return out;
}

enum sh_code message_text(const struct outbox_rec *r, const char *lang, const char *public_url,
			  struct buf *out)
{
	char due[TIMEFMT_RFC3339_LEN], url[600], episode[32] = "";

	timefmt_format_rfc3339(r->due_at, due);
	if (r->episode)
		snprintf(episode, sizeof(episode), " (%s %d)", w(lang, W_EPISODE), r->episode);
	return buf_addf(out, "safeharbor %s: %s%s, %s %s, %s %s. %s %s: %s",
			message_headline(r, lang), r->step_title, episode,
			w(lang, !strcmp(r->kind, "overdue") ? W_WAS_DUE : W_DUE), due,
			w(lang, W_AREA), r->area, w(lang, W_CASE), r->case_id,
			make_link(public_url, "/cases/", r->case_id, url, sizeof(url)));
}

enum sh_code message_json(const struct outbox_rec *r, const char *lang, const char *public_url,
			  struct buf *out)
{
	struct buf text = BUF_INIT;
	char url[600], ack[600], id[24];
	json_t *o, *step;
	enum sh_code rc;

	if ((rc = message_text(r, lang, public_url, &text)))
		goto out;
	snprintf(id, sizeof(id), "%" PRId64 "/ack", r->id);
	step = json_pack("{s:s, s:s, s:i}", "key", r->step, "title", r->step_title, "episode",
			 r->episode);
	jsonh_set_time(step, "due_at", r->due_at, true);
	o = json_pack(
		"{s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:{s:I, s:o}, s:o, s:{s:o, s:o}, s:s, s:s, s:s}",
		"id", (json_int_t)r->id, "type", type_name(r), "stage", r->stage, "role", r->role,
		"case_id", r->case_id, "case_url",
		make_link(public_url, "/cases/", r->case_id, url, sizeof(url)), "area", r->area,
		"agency", "id", (json_int_t)r->agency_id, "name",
		r->agency_name ? json_string(r->agency_name) : json_null(), "step", step,
		"recipient", "username", r->username ? json_string(r->username) : json_null(),
		"name", r->display_name ? json_string(r->display_name) : json_null(), "ack_url",
		make_link(public_url, "/api/v1/notifications/", id, ack, sizeof(ack)), "text",
		text.data, "language", lang && !strcmp(lang, "es") ? "es" : "en");
	if (!o) {
		rc = SH_ENOMEM;
		goto out;
	}
	jsonh_set_time(o, "created_at", r->created_at, false);
	rc = jsonh_dump(o, out);
	json_decref(o);
out:
	buf_release(&text);
	return rc;
}

/* Appends s without CR or LF (a header value). */
static enum sh_code header_value(struct buf *out, const char *s)
{
	for (; s && *s; s++)
		if (*s != '\r' && *s != '\n' && buf_addch(out, *s))
			return SH_ENOMEM;
	return SH_OK;
}

/* "Sat, 28 Nov 2026 14:04:25 +0000" (RFC 5322 date-time) */
static void mail_date(int64_t t, char out[40])
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, secs = t - days * 86400;
	int y, m, d;

	timefmt_civil_from_days(days, &y, &m, &d);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[((days % 7) + 7) % 7], d,
		 mon[m - 1], y, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

enum sh_code message_email(const struct outbox_rec *r, const char *lang, const char *public_url,
			   const char *from, int64_t now, struct buf *out)
{
	char date[40], due[TIMEFMT_RFC3339_LEN], url[600], ack[600], id[24];
	const char *domain = from ? strchr(from, '@') : NULL;
	int rc = 0; /* any failed append: out of memory */

	mail_date(now, date);
	timefmt_format_rfc3339(r->due_at, due);
	snprintf(id, sizeof(id), "%" PRId64 "/ack", r->id);
	rc |= buf_addf(out, "Date: %s\r\nFrom: ", date);
	rc |= header_value(out, from);
	rc |= buf_adds(out, "\r\nTo: ");
	rc |= header_value(out, r->target);
	rc |= buf_adds(out, "\r\nSubject: [safeharbor] ");
	rc |= header_value(out, message_headline(r, lang));
	rc |= buf_adds(out, ": ");
	rc |= header_value(out, r->step_title);
	rc |= buf_addf(out, " %s %s (%s ", w(lang, !strcmp(r->kind, "overdue") ? W_WAS_DUE : W_DUE),
		       due, w(lang, W_AREA));
	rc |= header_value(out, r->area);
	rc |= buf_addf(out, ")\r\nMessage-ID: <sh-notification-%" PRId64 "@", r->id);
	rc |= header_value(out, domain && domain[1] ? domain + 1 : "safeharbor.invalid");
	rc |= buf_addf(out, ">\r\nX-Safeharbor-Delivery: %" PRId64 "\r\nX-Safeharbor-Type: %s\r\n",
		       r->id, type_name(r));
	rc |= buf_adds(out, "X-Safeharbor-Case: ");
	rc |= header_value(out, r->case_id);
	rc |= buf_adds(out, "\r\n");
	rc |= buf_adds(out,
		       "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		       "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	rc |= buf_addf(out, "%s.\r\n\r\n", message_headline(r, lang));
	rc |= buf_addf(out, "%s%s (%s", w(lang, W_STEP_LABEL), r->step_title, r->step);
	if (r->episode)
		rc |= buf_addf(out, ", %s %d", w(lang, W_EPISODE), r->episode);
	rc |= buf_addf(out, ")\r\n%s %s\r\n%s%s\r\n%s%s\r\n%s%s\r\n\r\n",
		       w(lang, !strcmp(r->kind, "overdue") ? W_WAS_DUE_LABEL : W_DUE_LABEL), due,
		       w(lang, W_AREA_LABEL), r->area, w(lang, W_AGENCY_LABEL),
		       r->agency_name ? r->agency_name : "", w(lang, W_CASE_LABEL),
		       make_link(public_url, "/cases/", r->case_id, url, sizeof(url)));
	rc |= buf_addf(out, "%s%s%s", w(lang, W_ACK),
		       make_link(public_url, "/api/v1/notifications/", id, ack, sizeof(ack)),
		       w(lang, W_ACK_END));
	return rc ? SH_ENOMEM : SH_OK;
}
