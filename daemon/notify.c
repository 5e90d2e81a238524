/*
 * notify.c: sd_notify messages; see notify.h. A message that cannot be
 * sent is logged at debug level only: the daemon works the same without
 * anyone listening.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

static void
notify_send(const char *message)
{
	int rc = sd_notify(0, message);

	if (rc < 0)
		log_debug("sd_notify \"%s\": %s", message, strerror(-rc));
}

void
notify_ready(void)
{
	notify_send("READY=1");
}

/* Newer managers want the time of the reload with it; older ignore it. */
void
notify_reloading(void)
{
	struct timespec ts;
	char message[64];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(message, sizeof(message), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		     (unsigned long long)ts.tv_nsec / 1000);
	notify_send(message);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void
notify_status(const char *fmt, ...)
{
	char message[512] = "STATUS=";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message + 7, sizeof(message) - 7, fmt, ap);
	va_end(ap);
	notify_send(message);
}
