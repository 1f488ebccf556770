/* SPDX-License-Identifier: ISC */
/* log.c: logging to stderr; journald reads the <N> priority prefixes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mono.h"

static const char	*log_name = "campipe";
static int		 log_verbose;
static int		 log_prefix;	/* emit <N> syslog priorities */

/* Sets the program name and verbosity. */
void
log_init(const char *name, int verbose)
{
	log_name = name;
	log_verbose = verbose;
	/* Under systemd, stderr goes to the journal: priorities help it. */
	log_prefix = getenv("JOURNAL_STREAM") != NULL;
}

/* Changes verbosity. */
void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

/* Returns verbosity. */
int
log_getverbose(void)
{
	return (log_verbose);
}

/* Writes one log line with an optional error string. */
static void
log_vwrite(int pri, const char *errstr, const char *fmt, va_list ap)
{
	char	 msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_prefix) {
		if (errstr != NULL)
			fprintf(stderr, "<%d>%s: %s\n", pri, msg, errstr);
		else
			fprintf(stderr, "<%d>%s\n", pri, msg);
	} else {
		if (errstr != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_name, msg, errstr);
		else
			fprintf(stderr, "%s: %s\n", log_name, msg);
	}
	fflush(stderr);
}

/* Warning with strerror(errno). */
void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(4, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Warning without errno. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(4, NULL, fmt, ap);
	va_end(ap);
}

/* Informational message. */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(6, NULL, fmt, ap);
	va_end(ap);
}

/* Debug message, shown only when verbose. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(7, NULL, fmt, ap);
	va_end(ap);
}

/* Logs with strerror and exits. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(2, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

/* Logs and exits. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(2, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

/* A command-line error: one line "NAME: message", never prefixed; exits 2. */
void
log_usage(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", log_name, msg);
	exit(2);
}

/* Decides whether a line of this kind may be written at now_ms. */
int
log_rate_check(struct log_rate *lr, unsigned long long now_ms,
    unsigned long long *summary)
{
	*summary = 0;
	if (!lr->started || now_ms - lr->start_ms >= LOG_RATE_WINDOW_MS ||
	    now_ms < lr->start_ms) {
		*summary = lr->suppressed;
		lr->started = 1;
		lr->start_ms = now_ms;
		lr->used = 0;
		lr->suppressed = 0;
	}
	if (lr->used >= (lr->burst != 0 ? lr->burst : LOG_RATE_BURST)) {
		lr->suppressed++;
		return (0);
	}
	lr->used++;
	return (1);
}

/* Writes a rate-limited line, after the last window's summary if any. */
static void
log_rate_vwrite(struct log_rate *lr, int pri, const char *errstr,
    const char *fmt, va_list ap)
{
	unsigned long long	 summary;
	int			 ok;

	ok = log_rate_check(lr, mono_ms(), &summary);
	if (summary > 0)
		log_warnx("%s: %llu similar line%s suppressed in %d s",
		    lr->kind != NULL ? lr->kind : "log", summary,
		    summary == 1 ? "" : "s", LOG_RATE_WINDOW_MS / 1000);
	if (ok)
		log_vwrite(pri, errstr, fmt, ap);
}

/* Rate-limited warning with strerror(errno). */
void
log_rate_warn(struct log_rate *lr, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_rate_vwrite(lr, 4, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Rate-limited warning without errno. */
void
log_rate_warnx(struct log_rate *lr, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_rate_vwrite(lr, 4, NULL, fmt, ap);
	va_end(ap);
}

/* Rate-limited informational message. */
void
log_rate_info(struct log_rate *lr, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_rate_vwrite(lr, 6, NULL, fmt, ap);
	va_end(ap);
}
