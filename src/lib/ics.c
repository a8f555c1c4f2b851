#include "lib/common.h"
#include "lib/ics.h"
#include "lib/timefmt.h"

/* The octets of the UTF-8 sequence that starts with byte c (1 for a stray byte, so a
 * malformed string still moves on). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Appends the unfolded line (without its CRLF) folded: a break and a space before any
 * character that would take a line past ICS_LINE_MAX octets. */
static enum sh_code add_folded(struct buf *b, const char *line, size_t len)
{
	size_t used = 0, i = 0;
	enum sh_code rc = SH_OK;

	while (!rc && i < len) {
		size_t n = seq_len((unsigned char)line[i]);
		if (n > len - i)
			n = len - i;
		if (used + n > ICS_LINE_MAX) {
			rc = buf_add(b, "\r\n ", 3);
			used = 1; /* the space starts the continuation line */
		}
		if (!rc)
			rc = buf_add(b, line + i, n);
		used += n;
		i += n;
	}
	return rc ? rc : buf_add(b, "\r\n", 2);
}

enum sh_code ics_line(struct buf *b, const char *name, const char *value)
{
	struct buf line = BUF_INIT;
	enum sh_code rc = buf_addf(&line, "%s:%s", name, value);

	if (!rc)
		rc = add_folded(b, line.data, line.len);
	buf_release(&line);
	return rc;
}

enum sh_code ics_text(struct buf *b, const char *name, const char *text)
{
	struct buf v = BUF_INIT;
	enum sh_code rc = SH_OK;

	for (const char *p = text ? text : ""; !rc && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\' || c == ';' || c == ',')
			rc = buf_addf(&v, "\\%c", c);
		else if (c == '\n')
			rc = buf_adds(&v, "\\n");
		else if (c >= 0x20 && c != 0x7f)
			rc = buf_addch(&v, (char)c);
		else if (c == '\t')
			rc = buf_addch(&v, ' ');
		/* other control characters (CR among them) are not allowed in TEXT */
	}
	if (!rc)
		rc = ics_line(b, name, v.data);
	buf_release(&v);
	return rc;
}

enum sh_code ics_time(struct buf *b, const char *name, int64_t t)
{
	char iso[TIMEFMT_RFC3339_LEN], v[17];
	size_t n = 0;

	/* "2026-03-07T10:10:00Z" -> "20260307T101000Z" */
	timefmt_format_rfc3339(t, iso);
	for (const char *p = iso; *p && n < sizeof(v) - 1; p++)
		if (*p != '-' && *p != ':')
			v[n++] = *p;
	v[n] = '\0';
	return ics_line(b, name, v);
}
