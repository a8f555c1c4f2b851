#include "lib/common.h"
#include <qrencode.h>
#include "lib/qr.h"

enum sh_code qr_svg_path(const char *text, struct buf *path, int *size, struct sh_error *err)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	enum sh_code rc = SH_OK;

	if (!q)
		return sh_error_set(err, SH_EINTERNAL, "cannot make the QR code: %s",
				    strerror(errno));
	*size = q->width;
	for (int y = 0; y < q->width && !rc; y++) {
		for (int x = 0; x < q->width && !rc;) {
			int run = 0;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run)
				rc = buf_addf(path, "M%d %dh%dv1h-%dz", x, y, run, run);
			x += run ? run : 1;
		}
	}
	QRcode_free(q);
	return rc ? sh_error_set(err, rc, "out of memory") : SH_OK;
}
