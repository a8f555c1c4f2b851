#ifndef SH_SDNOTIFY_H
#define SH_SDNOTIFY_H
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram to the
 * AF_UNIX socket named by $NOTIFY_SOCKET ("@name" is the abstract namespace). With
 * Type=notify, `serve` sends READY=1 once it listens and STOPPING=1 when it starts to
 * stop. Without $NOTIFY_SOCKET (not under systemd) nothing is sent.
 */
#include "lib/error.h"

/* Sends state ("READY=1\nSTATUS=..."). SH_OK when sent or when there is no socket. */
enum sh_code sdnotify(const char *state, struct sh_error *err);

#endif
