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

#endif
