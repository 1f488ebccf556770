/* SPDX-License-Identifier: ISC */
/* auth_basic.c: Basic credentials, a success cache and a failure tracker. */
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "auth_basic.h"

#define AUTH_BASIC_DIGEST	32

struct auth_basic_slot {
	unsigned char		 digest[AUTH_BASIC_DIGEST];
	uint64_t		 expires_ms;	/* 0: free */
};

struct auth_basic_cache {
	unsigned char		 key[32];
	struct auth_basic_slot	*slots;
	size_t			 n;
	unsigned		 ttl_ms;
};

struct auth_basic_addr {
	unsigned char		 key[16];
	unsigned		 failures;	/* 0: free */
	uint64_t		 next_ms;	/* no attempt verified before */
	uint64_t		 last_ms;	/* last failure */
};

struct auth_basic_fail {
	struct auth_basic_addr	*addrs;
	size_t			 n;
	unsigned		 step_ms;
	unsigned		 max_ms;
};

/* Tells whether c is in the standard base64 alphabet. */
static int
auth_basic_b64char(int c)
{
	return (isalnum(c) || c == '+' || c == '/');
}

/* Checks that a decoded user or password holds no control character. */
static int
auth_basic_printable(const unsigned char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return (0);
	return (1);
}

/* Parses "Basic <token68>" into user and password. */
int
auth_basic_parse(const char *value, size_t len, char *user, char *pass,
    char *cause, size_t causelen)
{
	unsigned char	 in[AUTH_BASIC_MAX_VALUE + 4];
	unsigned char	 out[AUTH_BASIC_MAX_VALUE];
	const char	*p = value, *end = value + len, *colon;
	size_t		 n, i, pad = 0, ulen;
	int		 d;

	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (len > AUTH_BASIC_MAX_VALUE) {
		snprintf(cause, causelen, "credentials too long");
		return (-1);
	}
	if (end - p < 6 || strncasecmp(p, "basic", 5) != 0 ||
	    (p[5] != ' ' && p[5] != '\t')) {
		snprintf(cause, causelen, "not Basic credentials");
		return (-1);
	}
	for (p += 5; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	n = end - p;
	while (pad < n && pad < 2 && p[n - pad - 1] == '=')
		pad++;
	for (i = 0; i < n - pad; i++)
		if (!auth_basic_b64char((unsigned char)p[i]))
			break;
	if (n == 0 || i != n - pad || (n - pad) % 4 == 1 ||
	    (pad != 0 && n % 4 != 0)) {
		snprintf(cause, causelen, "malformed base64 in credentials");
		return (-1);
	}
	/* Restores missing padding: EVP_DecodeBlock wants groups of four. */
	memcpy(in, p, n);
	for (; n % 4 != 0; n++, pad++)
		in[n] = '=';
	if ((d = EVP_DecodeBlock(out, in, n)) < 0 || (size_t)d < pad) {
		snprintf(cause, causelen, "malformed base64 in credentials");
		return (-1);
	}
	n = d - pad;
	if ((colon = memchr(out, ':', n)) == NULL) {
		snprintf(cause, causelen, "no ':' in credentials");
		return (-1);
	}
	ulen = (const unsigned char *)colon - out;
	if (ulen == 0 || ulen > AUTH_BASIC_MAX_USER ||
	    n - ulen - 1 > AUTH_BASIC_MAX_PASS) {
		snprintf(cause, causelen, "user name empty or too long, or "
		    "password too long");
		return (-1);
	}
	if (!auth_basic_printable(out, n)) {
		snprintf(cause, causelen, "control character in credentials");
		return (-1);
	}
	memcpy(user, out, ulen);
	user[ulen] = '\0';
	memcpy(pass, colon + 1, n - ulen - 1);
	pass[n - ulen - 1] = '\0';
	OPENSSL_cleanse(out, sizeof(out));
	OPENSSL_cleanse(in, sizeof(in));
	return (0);
}

/* Creates a success cache with a fresh random key. */
struct auth_basic_cache *
auth_basic_cache_new(size_t slots, unsigned ttl_ms)
{
	struct auth_basic_cache	*c;

	if (slots == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	if ((c->slots = calloc(slots, sizeof(*c->slots))) == NULL ||
	    RAND_bytes(c->key, sizeof(c->key)) != 1) {
		auth_basic_cache_free(c);
		return (NULL);
	}
	c->n = slots;
	c->ttl_ms = ttl_ms;
	return (c);
}

/* Frees a cache, wiping its key and digests. */
void
auth_basic_cache_free(struct auth_basic_cache *c)
{
	if (c == NULL)
		return;
	if (c->slots != NULL)
		OPENSSL_cleanse(c->slots, c->n * sizeof(*c->slots));
	free(c->slots);
	OPENSSL_cleanse(c->key, sizeof(c->key));
	free(c);
}

/* Computes the cache key of user:pass. */
static int
auth_basic_cache_digest(struct auth_basic_cache *c, const char *user,
    const char *pass, unsigned char *digest)
{
	unsigned char	 buf[2 + AUTH_BASIC_MAX_USER + AUTH_BASIC_MAX_PASS];
	size_t		 ulen = strlen(user), plen = strlen(pass);
	unsigned int	 dlen = AUTH_BASIC_DIGEST;
	int		 ok;

	if (ulen > AUTH_BASIC_MAX_USER || plen > AUTH_BASIC_MAX_PASS)
		return (-1);
	/* Length, user, length, password: no two pairs share a key. */
	buf[0] = ulen;
	memcpy(buf + 1, user, ulen);
	buf[1 + ulen] = plen;
	memcpy(buf + 2 + ulen, pass, plen);
	ok = HMAC(EVP_sha256(), c->key, sizeof(c->key), buf, 2 + ulen + plen,
	    digest, &dlen) != NULL;
	OPENSSL_cleanse(buf, sizeof(buf));
	return (ok ? 0 : -1);
}

/* Looks credentials up; every live slot is compared in constant time. */
int
auth_basic_cache_lookup(struct auth_basic_cache *c, const char *user,
    const char *pass, uint64_t now_ms)
{
	unsigned char	 digest[AUTH_BASIC_DIGEST];
	size_t		 i;
	int		 hit = 0;

	if (auth_basic_cache_digest(c, user, pass, digest) == -1)
		return (0);
	for (i = 0; i < c->n; i++) {
		if (c->slots[i].expires_ms <= now_ms)
			continue;
		if (CRYPTO_memcmp(c->slots[i].digest, digest,
		    sizeof(digest)) == 0)
			hit = 1;
	}
	return (hit);
}

/* Stores credentials in a free, expired or else the oldest slot. */
void
auth_basic_cache_insert(struct auth_basic_cache *c, const char *user,
    const char *pass, uint64_t now_ms)
{
	struct auth_basic_slot	*s, *best = &c->slots[0];
	unsigned char		 digest[AUTH_BASIC_DIGEST];
	size_t			 i;

	if (auth_basic_cache_digest(c, user, pass, digest) == -1)
		return;
	for (i = 0; i < c->n; i++) {
		s = &c->slots[i];
		if (s->expires_ms > now_ms &&
		    CRYPTO_memcmp(s->digest, digest, sizeof(digest)) == 0) {
			best = s;
			break;
		}
		if (s->expires_ms < best->expires_ms)
			best = s;
	}
	memcpy(best->digest, digest, sizeof(digest));
	best->expires_ms = now_ms + c->ttl_ms;
}

/* Empties the cache. */
void
auth_basic_cache_flush(struct auth_basic_cache *c)
{
	OPENSSL_cleanse(c->slots, c->n * sizeof(*c->slots));
}

/* Creates a failure tracker. */
struct auth_basic_fail *
auth_basic_fail_new(size_t slots, unsigned step_ms, unsigned max_ms)
{
	struct auth_basic_fail	*f;

	if (slots == 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	if ((f->addrs = calloc(slots, sizeof(*f->addrs))) == NULL) {
		free(f);
		return (NULL);
	}
	f->n = slots;
	f->step_ms = step_ms;
	f->max_ms = max_ms < step_ms ? step_ms : max_ms;
	return (f);
}

/* Frees a failure tracker. */
void
auth_basic_fail_free(struct auth_basic_fail *f)
{
	if (f == NULL)
		return;
	free(f->addrs);
	free(f);
}

/* Reduces an address to its key: IPv4 whole, IPv6 its /64. */
static void
auth_basic_fail_key(const struct sockaddr *sa, unsigned char *key)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(key, 0, 16);
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
			memcpy(key, &sin6->sin6_addr, 16);
		else
			memcpy(key, &sin6->sin6_addr, 8);
	}
}

/* Tells whether an entry is free or forgotten by now. */
static int
auth_basic_fail_stale(const struct auth_basic_addr *a, uint64_t now_ms)
{
	return (a->failures == 0 ||
	    now_ms >= a->last_ms + AUTH_BASIC_FAIL_FORGET);
}

/* Finds an address's live entry, or NULL. */
static struct auth_basic_addr *
auth_basic_fail_find(struct auth_basic_fail *f, const unsigned char *key,
    uint64_t now_ms)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (!auth_basic_fail_stale(&f->addrs[i], now_ms) &&
		    memcmp(f->addrs[i].key, key, 16) == 0)
			return (&f->addrs[i]);
	return (NULL);
}

/* Returns how long to hold this address's next attempt. */
unsigned
auth_basic_fail_delay(struct auth_basic_fail *f, const struct sockaddr *sa,
    uint64_t now_ms)
{
	struct auth_basic_addr	*a;
	unsigned char		 key[16];

	auth_basic_fail_key(sa, key);
	if ((a = auth_basic_fail_find(f, key, now_ms)) == NULL ||
	    a->next_ms <= now_ms)
		return (0);
	return (a->next_ms - now_ms);
}

/* Counts a failure; the entry is new, reused, or evicts the oldest. */
void
auth_basic_fail_record(struct auth_basic_fail *f, const struct sockaddr *sa,
    uint64_t now_ms)
{
	struct auth_basic_addr	*a, *best = &f->addrs[0];
	unsigned char		 key[16];
	uint64_t		 wait;
	size_t			 i;

	auth_basic_fail_key(sa, key);
	if ((a = auth_basic_fail_find(f, key, now_ms)) == NULL) {
		for (i = 0; i < f->n; i++) {
			a = &f->addrs[i];
			if (auth_basic_fail_stale(a, now_ms)) {
				best = a;
				break;
			}
			if (a->last_ms < best->last_ms)
				best = a;
		}
		a = best;
		memcpy(a->key, key, 16);
		a->failures = 0;
	}
	if (a->failures < UINT32_MAX)
		a->failures++;
	wait = (uint64_t)f->step_ms * a->failures;
	a->next_ms = now_ms + (wait > f->max_ms ? f->max_ms : wait);
	a->last_ms = now_ms;
}

/* Forgets an address. */
void
auth_basic_fail_clear(struct auth_basic_fail *f, const struct sockaddr *sa)
{
	unsigned char	 key[16];
	size_t		 i;

	auth_basic_fail_key(sa, key);
	for (i = 0; i < f->n; i++)
		if (memcmp(f->addrs[i].key, key, 16) == 0)
			f->addrs[i].failures = 0;
}

/* Counts the addresses currently remembered. */
size_t
auth_basic_fail_count(struct auth_basic_fail *f, uint64_t now_ms)
{
	size_t	 i, n = 0;

	for (i = 0; i < f->n; i++)
		if (!auth_basic_fail_stale(&f->addrs[i], now_ms))
			n++;
	return (n);
}
