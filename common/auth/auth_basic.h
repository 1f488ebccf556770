/* SPDX-License-Identifier: ISC */
/*
 * auth_basic.h: HTTP Basic authentication (RFC 7617) pieces a daemon
 * puts around htpasswd_check, all without I/O:
 *
 * - auth_basic_parse splits an "Authorization: Basic ..." value into user
 *   and password;
 * - a success cache remembers verified credentials for a short time, keyed
 *   by a keyed hash (HMAC-SHA256 with a per-process random key) of
 *   "user:password", so a slow hash runs about once per client per TTL;
 * - a failure tracker per client address (IPv4 address, IPv6 /64) says how
 *   long to hold the next attempt before verifying it: step_ms after the
 *   first failure, growing by step_ms per failure up to max_ms.  The daemon
 *   holds the request on a timer, so the event loop never sleeps.
 */
#ifndef CAMPIPE_AUTH_BASIC_H
#define CAMPIPE_AUTH_BASIC_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define AUTH_BASIC_MAX_USER	64
#define AUTH_BASIC_MAX_PASS	255
#define AUTH_BASIC_MAX_VALUE	1024	/* longest header value parsed */
#define AUTH_BASIC_FAIL_FORGET	600000	/* ms without failure to forget */

/*
 * Parses a header value "Basic <base64 of user:password>".  The scheme is
 * case-insensitive; missing '=' padding is tolerated.  user and pass get
 * NUL-terminated strings (buffers of at least AUTH_BASIC_MAX_USER + 1 and
 * AUTH_BASIC_MAX_PASS + 1 bytes).  Returns 0, or -1 with cause.
 */
int	auth_basic_parse(const char *value, size_t len, char *user,
	    char *pass, char *cause, size_t causelen);

struct auth_basic_cache;

/* A cache of slots credentials, each valid ttl_ms after it was verified. */
struct auth_basic_cache	*auth_basic_cache_new(size_t slots, unsigned ttl_ms);
void	auth_basic_cache_free(struct auth_basic_cache *);
/* Returns 1 if user:pass was verified less than ttl_ms ago. */
int	auth_basic_cache_lookup(struct auth_basic_cache *, const char *user,
	    const char *pass, uint64_t now_ms);
/* Remembers verified credentials, replacing the oldest if full. */
void	auth_basic_cache_insert(struct auth_basic_cache *, const char *user,
	    const char *pass, uint64_t now_ms);
/* Forgets everything, for example after the password file changed. */
void	auth_basic_cache_flush(struct auth_basic_cache *);

struct auth_basic_fail;

/* A failure tracker of at most slots addresses. */
struct auth_basic_fail	*auth_basic_fail_new(size_t slots, unsigned step_ms,
			    unsigned max_ms);
void	auth_basic_fail_free(struct auth_basic_fail *);
/* Milliseconds to wait before verifying this address's next attempt. */
unsigned	auth_basic_fail_delay(struct auth_basic_fail *,
		    const struct sockaddr *, uint64_t now_ms);
/* Records a failed attempt from an address. */
void	auth_basic_fail_record(struct auth_basic_fail *,
	    const struct sockaddr *, uint64_t now_ms);
/* Forgets an address's failures after it authenticated. */
void	auth_basic_fail_clear(struct auth_basic_fail *,
	    const struct sockaddr *);
/* Number of addresses tracked (for status and tests). */
size_t	auth_basic_fail_count(struct auth_basic_fail *, uint64_t now_ms);

#endif
