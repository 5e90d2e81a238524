/*
 * notify.h: tells the service manager how the daemon is doing, through
 * $NOTIFY_SOCKET (sd_notify). Without systemd each call does nothing.
 * Safe to call from any thread: each call is one datagram.
 */
#ifndef EPSEARCHD_NOTIFY_H
#define EPSEARCHD_NOTIFY_H

/* The daemon answers requests (READY=1), at start and after a reload. */
void notify_ready(void);

/* A reload began (RELOADING=1); notify_ready ends it. */
void notify_reloading(void);

/* The daemon is shutting down (STOPPING=1). */
void notify_stopping(void);

/* One line for `systemctl status` (STATUS=...). */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
