/* SPDX-License-Identifier: ISC */
/* log.h: logging to stderr in a journald-friendly form. */
#ifndef CAMPIPE_LOG_H
#define CAMPIPE_LOG_H

#include <stdarg.h>

/* Sets the program name and verbosity (0 = info, 1 = debug). */
void	log_init(const char *name, int verbose);
/* Raises or lowers verbosity at run time. */
void	log_setverbose(int verbose);
int	log_getverbose(void);

/* Warning with strerror(errno) appended. */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs with strerror(errno) and exits 1: for daemon code only, never common/. */
void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Logs and exits 1: for daemon code only, never common/. */
void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/*
 * A command-line error: prints "NAME: message" as one line (no priority
 * prefix) and exits 2: for daemon and tool code only, never common/.
 */
void	log_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate-limited lines, one struct log_rate (static, zeroed) per kind of
 * message that an outsider or a broken source can repeat: at most
 * LOG_RATE_BURST lines of a kind per LOG_RATE_WINDOW_MS; the next line
 * after a window with suppressed lines is preceded by
 * "KIND: N similar lines suppressed in 10 s".
 */
#define LOG_RATE_BURST		5
#define LOG_RATE_WINDOW_MS	10000

struct log_rate {
	const char		*kind;		/* names the summary line */
	unsigned int		 burst;		/* 0: LOG_RATE_BURST */
	unsigned long long	 start_ms;	/* window start, monotonic */
	unsigned int		 used;		/* lines written in the window */
	unsigned long long	 suppressed;	/* lines held back in it */
	int			 started;
};
#define LOG_RATE_INIT(kind)	{ (kind), 0, 0, 0, 0, 0 }
#define LOG_RATE_INIT_BURST(kind, burst) { (kind), (burst), 0, 0, 0, 0 }

/*
 * The decision alone, at time now_ms: returns 1 if a line may be written,
 * 0 if it is suppressed.  When a window ends with suppressed lines, sets
 * *summary to their number (else 0) for the caller to report.
 */
int	log_rate_check(struct log_rate *lr, unsigned long long now_ms,
	    unsigned long long *summary);
/* Rate-limited log_warn, log_warnx and log_info. */
void	log_rate_warn(struct log_rate *lr, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_rate_warnx(struct log_rate *lr, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_rate_info(struct log_rate *lr, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
