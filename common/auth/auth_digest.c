/* SPDX-License-Identifier: ISC */
/* auth_digest.c: RFC 2617 Digest, MD5, with stateless nonces. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth_digest.h"

/* A field's destination, by name. */
static char *
auth_digest_slot(struct auth_digest *d, const char *k, size_t klen,
    size_t *size)
{
	static const struct {
		const char	*name;
		size_t		 off, size;
	} f[] = {
#define F(n) { #n, offsetof(struct auth_digest, n), \
	    sizeof(((struct auth_digest *)0)->n) }
		F(username), F(realm), F(nonce), F(uri), F(response),
		F(algorithm), F(qop), F(nc), F(cnonce)
#undef F
	};
	size_t	 i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strlen(f[i].name) == klen &&
		    strncasecmp(f[i].name, k, klen) == 0) {
			*size = f[i].size;
			return ((char *)d + f[i].off);
		}
	return (NULL);
}

/* Fails a parse. */
static int
auth_digest_fail(const char *why, char *cause, size_t causelen)
{
	snprintf(cause, causelen, "Digest credentials: %s", why);
	return (-1);
}

/* Parses the header value. */
int
auth_digest_parse(const char *value, size_t len, struct auth_digest *d,
    char *cause, size_t causelen)
{
	const char	*p = value, *end = value + len, *k;
	char		 v[600], *dst;
	size_t		 klen, vlen, size;

	memset(d, 0, sizeof(*d));
	if (len > AUTH_DIGEST_MAX_VALUE)
		return (auth_digest_fail("too long", cause, causelen));
	if (len < 7 || strncasecmp(p, "Digest", 6) != 0 ||
	    (p[6] != ' ' && p[6] != '\t'))
		return (auth_digest_fail("not Digest", cause, causelen));
	p += 7;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end)
			break;
		for (k = p; p < end && *p != '=' && *p != ',' && *p != ' ';
		    p++)
			;
		klen = (size_t)(p - k);
		if (klen == 0 || p == end || *p != '=')
			return (auth_digest_fail("a field without a value",
			    cause, causelen));
		p++;
		vlen = 0;
		if (p < end && *p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if ((unsigned char)*p < ' ' ||
				    vlen + 1 >= sizeof(v))
					return (auth_digest_fail("a bad or "
					    "long value", cause, causelen));
				v[vlen++] = *p;
			}
			if (p == end)
				return (auth_digest_fail("an unterminated "
				    "quoted value", cause, causelen));
			p++;
		} else
			for (; p < end && *p != ',' && *p != ' ' &&
			    *p != '\t'; p++) {
				if ((unsigned char)*p < ' ' ||
				    vlen + 1 >= sizeof(v))
					return (auth_digest_fail("a bad or "
					    "long value", cause, causelen));
				v[vlen++] = *p;
			}
		v[vlen] = '\0';
		if ((dst = auth_digest_slot(d, k, klen, &size)) == NULL)
			continue;
		if (dst[0] != '\0')
			return (auth_digest_fail("a field twice", cause,
			    causelen));
		if (vlen == 0 || vlen >= size)
			return (auth_digest_fail("an empty or long field",
			    cause, causelen));
		memcpy(dst, v, vlen + 1);
	}
	if (d->username[0] == '\0' || d->realm[0] == '\0' ||
	    d->nonce[0] == '\0' || d->uri[0] == '\0' || d->response[0] == '\0')
		return (auth_digest_fail("username, realm, nonce, uri or "
		    "response missing", cause, causelen));
	if (d->algorithm[0] != '\0' && strcasecmp(d->algorithm, "MD5") != 0)
		return (auth_digest_fail("only algorithm MD5 is served", cause,
		    causelen));
	if (d->qop[0] != '\0' && (strcasecmp(d->qop, "auth") != 0 ||
	    d->nc[0] == '\0' || d->cnonce[0] == '\0'))
		return (auth_digest_fail("qop other than auth, or without nc "
		    "and cnonce", cause, causelen));
	return (0);
}

/* The MAC part of a nonce: 16 bytes of HMAC-SHA256 over the time. */
static void
auth_digest_mac(const unsigned char *key, const unsigned char t[8],
    unsigned char mac[16])
{
	unsigned char	 full[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	HMAC(EVP_sha256(), key, 32, t, 8, full, &n);
	memcpy(mac, full, 16);
}

/* Writes bytes as lower-case hex. */
static void
auth_digest_hex(const unsigned char *b, size_t n, char *out)
{
	static const char	 x[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = x[b[i] >> 4];
		out[2 * i + 1] = x[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Makes a nonce. */
void
auth_digest_nonce(const unsigned char *key, int64_t now,
    char out[AUTH_DIGEST_NONCE_LEN + 1])
{
	unsigned char	 b[24];
	int		 i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)now >> (56 - 8 * i));
	auth_digest_mac(key, b, b + 8);
	auth_digest_hex(b, sizeof(b), out);
}

/* MD5 of the parts joined by ':', as 32 hex digits. */
static int
auth_digest_md5(char out[33], const char *const *parts, size_t n)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	EVP_MD_CTX	*ctx;
	size_t		 i;
	int		 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
	for (i = 0; ok && i < n; i++)
		ok = (i == 0 || EVP_DigestUpdate(ctx, ":", 1)) &&
		    EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return (-1);
	auth_digest_hex(md, 16, out);
	return (0);
}

/* The expected response. */
int
auth_digest_response(const struct auth_digest *d, const char *method,
    const char *password, char out[33])
{
	char	 ha1[33], ha2[33];
	int	 r;

	if (auth_digest_md5(ha1, (const char *[]){ d->username, d->realm,
	    password }, 3) == -1 ||
	    auth_digest_md5(ha2, (const char *[]){ method, d->uri }, 2) == -1)
		return (-1);
	if (d->qop[0] != '\0')
		r = auth_digest_md5(out, (const char *[]){ ha1, d->nonce,
		    d->nc, d->cnonce, d->qop, ha2 }, 6);
	else
		r = auth_digest_md5(out, (const char *[]){ ha1, d->nonce,
		    ha2 }, 3);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	return (r);
}

/* A lower-case hex digit's value, or -1. */
static int
auth_digest_xval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Reads the nonce's time and checks its MAC: 0, or -1 if not ours. */
static int
auth_digest_nonce_time(const unsigned char *key, const char *nonce,
    int64_t *t)
{
	unsigned char	 b[24], mac[16];
	int		 hi, lo;
	uint64_t	 v = 0;
	size_t		 i;

	if (strlen(nonce) != AUTH_DIGEST_NONCE_LEN)
		return (-1);
	for (i = 0; i < sizeof(b); i++) {
		if ((hi = auth_digest_xval(nonce[2 * i])) == -1 ||
		    (lo = auth_digest_xval(nonce[2 * i + 1])) == -1)
			return (-1);
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	auth_digest_mac(key, b, mac);
	if (CRYPTO_memcmp(mac, b + 8, sizeof(mac)) != 0)
		return (-1);
	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	*t = (int64_t)v;
	return (0);
}

/* Checks a response and its nonce. */
enum auth_digest_verdict
auth_digest_check(const struct auth_digest *d, const char *method,
    const char *password, const unsigned char *key, int64_t now,
    unsigned ttl)
{
	char	 want[33], got[33];
	int64_t	 t;
	size_t	 i;

	if (strcmp(d->realm, AUTH_DIGEST_REALM) != 0 ||
	    strlen(d->response) != 32 ||
	    auth_digest_response(d, method, password, want) == -1)
		return (AUTH_DIGEST_WRONG);
	for (i = 0; i < 33; i++)	/* clients may send upper case */
		got[i] = (d->response[i] >= 'A' && d->response[i] <= 'F') ?
		    d->response[i] - 'A' + 'a' : d->response[i];
	if (CRYPTO_memcmp(want, got, 32) != 0 ||
	    auth_digest_nonce_time(key, d->nonce, &t) == -1 || t > now + 5)
		return (AUTH_DIGEST_WRONG);
	return (now - t > (int64_t)ttl ? AUTH_DIGEST_STALE : AUTH_DIGEST_OK);
}
