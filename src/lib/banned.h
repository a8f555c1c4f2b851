#ifndef SH_BANNED_H
#define SH_BANNED_H
/*
 * Functions that are easy to misuse. Included last by common.h, after the system
 * headers, so any use in our code fails to compile. (The idea is Git's banned.h.)
 * Use instead: buf_add or snprintf (bounded), strtol/strtoll with end checks,
 * timefmt_* (our own UTC civil-date arithmetic), gmtime_r/localtime_r.
 */
#define SH_BANNED(func) sorry_##func##_is_banned_in_safeharbor

#undef strcpy
#define strcpy(x, y) SH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SH_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SH_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) SH_BANNED(strncat)
#undef sprintf
#define sprintf(...) SH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SH_BANNED(strtok)
#undef atoi
#define atoi(x) SH_BANNED(atoi)
#undef atol
#define atol(x) SH_BANNED(atol)
#undef gmtime
#define gmtime(t) SH_BANNED(gmtime)
#undef localtime
#define localtime(t) SH_BANNED(localtime)
#undef ctime
#define ctime(t) SH_BANNED(ctime)
#undef asctime
#define asctime(t) SH_BANNED(asctime)
#undef gets
#define gets(x) SH_BANNED(gets)

#endif
