#ifndef SH_QR_H
#define SH_QR_H
/*
 * A QR code (libqrencode) as SVG path data, for the web app to draw with the DOM (its
 * Content-Security-Policy and Trusted Types forbid markup from strings): one "M x y h n
 * v 1 h -n z" per run of dark modules, in a size x size grid without the quiet zone.
 */
#include "lib/buf.h"
#include "lib/error.h"

enum sh_code qr_svg_path(const char *text, struct buf *path, int *size, struct sh_error *err);

#endif
