#ifndef SH_ICS_H
#define SH_ICS_H
/*
 * Writing iCalendar (RFC 5545) content lines: every line ends in CRLF and is folded
 * before it passes 75 octets (a CRLF and one space, never inside a UTF-8 sequence,
 * section 3.1); TEXT values are escaped (backslash, semicolon, comma, newline: section
 * 3.3.11) and control characters dropped; times are UTC DATE-TIME with Z (section 3.3.5).
 * Each call appends one whole line to b; nothing is kept.
 */
#include <stdint.h>
#include "lib/buf.h"

#define ICS_LINE_MAX 75 /* octets per line, the CRLF not counted */

/* NAME:VALUE with the value as given (it must already be a valid value of its type). */
enum sh_code ics_line(struct buf *b, const char *name, const char *value);
/* NAME:TEXT, the text escaped. */
enum sh_code ics_text(struct buf *b, const char *name, const char *text);
/* NAME:YYYYMMDDTHHMMSSZ, the instant t (Unix seconds) in UTC. */
enum sh_code ics_time(struct buf *b, const char *name, int64_t t);

#endif
