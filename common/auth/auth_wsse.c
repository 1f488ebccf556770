/* SPDX-License-Identifier: ISC */
/* auth_wsse.c: WS-Security UsernameToken PasswordDigest checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "auth_wsse.h"

/* Reads n decimal digits at s into *v: 0, or -1. */
static int
auth_wsse_digits(const char *s, int n, int *v)
{
	int	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	return (0);
}

/* Reads YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm). */
int
auth_wsse_time(const char *s, int64_t *t)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec, oh, om, sign;
	time_t		 u;

	if (strlen(s) < 20 || auth_wsse_digits(s, 4, &y) == -1 ||
	    s[4] != '-' || auth_wsse_digits(s + 5, 2, &mo) == -1 ||
	    s[7] != '-' || auth_wsse_digits(s + 8, 2, &d) == -1 ||
	    (s[10] != 'T' && s[10] != 't') ||
	    auth_wsse_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    auth_wsse_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    auth_wsse_digits(s + 17, 2, &sec) == -1)
		return (-1);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return (-1);
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	}
	oh = om = 0;
	sign = 0;
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 &&
	    auth_wsse_digits(s + 1, 2, &oh) == 0 && s[3] == ':' &&
	    auth_wsse_digits(s + 4, 2, &om) == 0 && oh <= 14 && om <= 59)
		sign = *s == '+' ? 1 : -1;
	else
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((u = timegm(&tm)) == (time_t)-1)
		return (-1);
	*t = (int64_t)u - sign * (oh * 3600 + om * 60);
	return (0);
}

/* Decodes padded base64 into out: its length, or -1. */
static int
auth_wsse_b64(const char *s, unsigned char *out, size_t outsz)
{
	size_t	 len = strlen(s), pad = 0;
	int	 n;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > outsz)
		return (-1);
	if (s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/") != len - pad)
		return (-1);
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)s,
	    (int)len)) < 0 || (size_t)n < pad)
		return (-1);
	return (n - (int)pad);
}

/* Base64(SHA-1(nonce + created + password)). */
int
auth_wsse_digest(const char *nonce_b64, const char *created,
    const char *password, char out[AUTH_WSSE_DIGEST_LEN + 1])
{
	unsigned char	 nonce[AUTH_WSSE_NONCE_MAX], md[SHA_DIGEST_LENGTH];
	EVP_MD_CTX	*ctx;
	int		 n, ok;

	if ((n = auth_wsse_b64(nonce_b64, nonce, sizeof(nonce))) < 0 ||
	    (ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, nonce, (size_t)n) == 1 &&
	    EVP_DigestUpdate(ctx, created, strlen(created)) == 1 &&
	    EVP_DigestUpdate(ctx, password, strlen(password)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return (-1);
	EVP_EncodeBlock((unsigned char *)out, md, sizeof(md));
	return (0);
}

/* Checks the digest, then the time. */
enum auth_wsse_verdict
auth_wsse_check(const char *digest, const char *nonce_b64,
    const char *created, const char *password, int64_t now, unsigned window)
{
	char	 want[AUTH_WSSE_DIGEST_LEN + 1];
	int64_t	 t;

	if (strlen(digest) != AUTH_WSSE_DIGEST_LEN ||
	    auth_wsse_digest(nonce_b64, created, password, want) == -1 ||
	    CRYPTO_memcmp(want, digest, AUTH_WSSE_DIGEST_LEN) != 0)
		return (AUTH_WSSE_WRONG);
	if (auth_wsse_time(created, &t) == -1 || t > now + window ||
	    t < now - (int64_t)window)
		return (AUTH_WSSE_TIME);
	return (AUTH_WSSE_OK);
}
