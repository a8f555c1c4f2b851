#ifndef SH_COMMON_H
#define SH_COMMON_H
/* Included first by every .c file: the system headers we rely on, then banned.h. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define UNUSED(x) ((void)(x))

/* The index of s among the n names (the words of an enum, in its order); -1 when s is NULL or
 * not one of them. */
static inline int names_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

#include "lib/banned.h"
#endif
