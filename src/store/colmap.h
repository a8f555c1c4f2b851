#ifndef SH_STORE_COLMAP_H
#define SH_STORE_COLMAP_H
/*
 * A record's columns as data, shared by the backends' mappers (sqlite.c sq_map, pg.c
 * pg_map): each reads column first + i of a row into the field cols[i] names, as the
 * field's type says (int64_t, int, bool, text copied into the arena, or a blob with its
 * length). A table is written with SQ_REC defined as the record's type: SQ_C(field) takes
 * the kind from the field's declared type, so a field of another type does not build;
 * SQ_B(field, len) is a blob (const unsigned char *) and its length (size_t). Nothing
 * outside store/ includes it.
 */
#include <stddef.h>

enum sq_field { SQF_I64 = 1, SQF_INT, SQF_BOOL, SQF_TEXT, SQF_BLOB };
struct sq_col {
	enum sq_field kind;
	size_t off, len_off;
};
/* hand-formatted: clang-format 14 breaks a _Generic's associations apart */
/* clang-format off */
#define SQ_C(f)                                                                         \
	{ _Generic(((SQ_REC *)0)->f, int64_t: SQF_I64, int: SQF_INT, bool: SQF_BOOL,    \
		   const char *: SQF_TEXT),                                             \
	  offsetof(SQ_REC, f), 0 }
#define SQ_B(f, len)                                                                    \
	{ _Generic(((SQ_REC *)0)->f, const unsigned char *: SQF_BLOB),                  \
	  offsetof(SQ_REC, f), _Generic(((SQ_REC *)0)->len, size_t: offsetof(SQ_REC, len)) }
/* clang-format on */

#endif
