/* SPDX-License-Identifier: ISC */
/* auth_token.c: HMAC-signed, expiring tokens in unpadded base64url. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "auth_token.h"
#include "camname.h"

#define AUTH_TOKEN_MAC_LEN	32
#define AUTH_TOKEN_PAYLOAD_MAX	(AUTH_TOKEN_MAX_USER + 1 + 18 + 1 + \
				    AUTH_TOKEN_MAX_CAMERA)

static const char auth_token_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Encodes len bytes as unpadded base64url; returns the length written. */
static size_t
auth_token_encode(const unsigned char *in, size_t len, char *out)
{
	size_t		 i, o = 0;
	uint32_t	 v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = auth_token_b64[(v >> 18) & 63];
		out[o++] = auth_token_b64[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = auth_token_b64[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = auth_token_b64[v & 63];
	}
	out[o] = '\0';
	return (o);
}

/* Maps a base64url character to its value, or -1. */
static int
auth_token_b64val(int c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(auth_token_b64, c)) == NULL)
		return (-1);
	return (p - auth_token_b64);
}

/*
 * Decodes canonical unpadded base64url (unused low bits must be zero) into
 * at most max bytes.  Returns the decoded length, or -1.
 */
static ssize_t
auth_token_decode(const char *in, size_t len, unsigned char *out, size_t max)
{
	size_t		 i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0, v;

	if (len % 4 == 1 || len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) > max)
		return (-1);
	for (i = 0; i < len; i++) {
		if ((v = auth_token_b64val((unsigned char)in[i])) == -1)
			return (-1);
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	if ((acc & ((1U << bits) - 1)) != 0)
		return (-1);
	return (o);
}

/* Fills a key with random bytes. */
int
auth_token_key_random(unsigned char *key, char *cause, size_t causelen)
{
	if (RAND_bytes(key, AUTH_TOKEN_KEY_LEN) != 1) {
		snprintf(cause, causelen, "no random bytes for the token key");
		return (-1);
	}
	return (0);
}

/* Writes a new random key file with mode 0640 unless one exists. */
static int
auth_token_key_create(const char *path, char *cause, size_t causelen)
{
	unsigned char	 key[AUTH_TOKEN_KEY_LEN];
	char		 tmp[PATH_MAX];
	int		 fd, ok;

	if (auth_token_key_random(key, cause, causelen) == -1)
		return (-1);
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(cause, causelen, "%s: path too long", path);
		return (-1);
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(cause, causelen, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	ok = fchmod(fd, 0640) == 0 &&
	    write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) &&
	    fsync(fd) == 0;
	OPENSSL_cleanse(key, sizeof(key));
	if (close(fd) != 0)
		ok = 0;
	/* link() fails if another process made the key first: keep theirs. */
	if (ok && link(tmp, path) == -1 && errno != EEXIST)
		ok = 0;
	if (!ok)
		snprintf(cause, causelen, "%s: %s", path, strerror(errno));
	unlink(tmp);
	return (ok ? 0 : -1);
}

/* Reads a key file, creating it first if asked. */
int
auth_token_key_load(const char *path, int create, unsigned char *key,
    char *cause, size_t causelen)
{
	struct stat	 st;
	ssize_t		 r;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1 && errno == ENOENT && create) {
		if (auth_token_key_create(path, cause, causelen) == -1)
			return (-1);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		snprintf(cause, causelen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0007) != 0) {
		snprintf(cause, causelen, "%s: not a regular file private to "
		    "its owner and group (chmod 640)", path);
		goto fail;
	}
	if (st.st_size != AUTH_TOKEN_KEY_LEN ||
	    (r = read(fd, key, AUTH_TOKEN_KEY_LEN)) != AUTH_TOKEN_KEY_LEN) {
		snprintf(cause, causelen, "%s: not a key of exactly %d bytes",
		    path, AUTH_TOKEN_KEY_LEN);
		goto fail;
	}
	close(fd);
	return (0);
fail:
	if (fd != -1)
		close(fd);
	return (-1);
}

/* Computes the MAC of a payload. */
static int
auth_token_mac(const unsigned char *key, const void *payload, size_t len,
    unsigned char *mac)
{
	unsigned int	 mlen = AUTH_TOKEN_MAC_LEN;

	return (HMAC(EVP_sha256(), key, AUTH_TOKEN_KEY_LEN, payload, len, mac,
	    &mlen) != NULL ? 0 : -1);
}

/* Checks a user name for a token: printable, no '|', bounded. */
static int
auth_token_user_ok(const unsigned char *u, size_t len)
{
	size_t	 i;

	if (len == 0 || len > AUTH_TOKEN_MAX_USER)
		return (0);
	for (i = 0; i < len; i++)
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == '|')
			return (0);
	return (1);
}

/* Issues a token. */
int
auth_token_issue(const unsigned char *key, const char *user, int64_t expiry,
    const char *camera, char *out, size_t outlen, char *cause,
    size_t causelen)
{
	char		 payload[AUTH_TOKEN_PAYLOAD_MAX + 1];
	char		 buf[AUTH_TOKEN_MAX];
	unsigned char	 mac[AUTH_TOKEN_MAC_LEN];
	size_t		 n, o;
	int		 len;

	n = strlen(user);
	if (!auth_token_user_ok((const unsigned char *)user, n) ||
	    expiry < 0 || expiry >= 1000000000000000000LL) {
		snprintf(cause, causelen, "user name or expiry not allowed in "
		    "a token");
		return (-1);
	}
	if (camera != NULL && camname_check_len(camera, strlen(camera)) == -1) {
		snprintf(cause, causelen, "camera name not allowed in a token");
		return (-1);
	}
	len = snprintf(payload, sizeof(payload), "%s|%lld%s%s", user,
	    (long long)expiry, camera != NULL ? "|" : "",
	    camera != NULL ? camera : "");
	if (auth_token_mac(key, payload, len, mac) == -1) {
		snprintf(cause, causelen, "HMAC failed");
		return (-1);
	}
	o = auth_token_encode((unsigned char *)payload, len, buf);
	buf[o++] = '.';
	o += auth_token_encode(mac, sizeof(mac), buf + o);
	if (o + 1 > outlen) {
		snprintf(cause, causelen, "token buffer too small");
		return (-1);
	}
	memcpy(out, buf, o + 1);
	return (0);
}

/* Parses "user|expiry[|camera]" of a verified payload. */
static int
auth_token_payload(const unsigned char *p, size_t len, char *user,
    int64_t *expiry, char *camera)
{
	const unsigned char	*bar, *bar2;
	size_t			 ulen, i;
	int64_t			 v = 0;

	if ((bar = memchr(p, '|', len)) == NULL)
		return (-1);
	ulen = bar - p;
	camera[0] = '\0';
	if ((bar2 = memchr(bar + 1, '|', len - ulen - 1)) != NULL) {
		if (camname_check_len((const char *)bar2 + 1,
		    p + len - bar2 - 1) == -1)
			return (-1);
		memcpy(camera, bar2 + 1, p + len - bar2 - 1);
		camera[p + len - bar2 - 1] = '\0';
		len = bar2 - p;
	}
	if (!auth_token_user_ok(p, ulen) || len - ulen - 1 == 0 ||
	    len - ulen - 1 > 18)
		return (-1);
	for (i = ulen + 1; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (-1);
		v = v * 10 + (p[i] - '0');
	}
	memcpy(user, p, ulen);
	user[ulen] = '\0';
	*expiry = v;
	return (0);
}

/* Verifies a token's form, signature and expiry. */
int
auth_token_verify(const unsigned char *key, const char *tok, size_t len,
    int64_t now, char *user, int64_t *expiry, char *camera, char *cause,
    size_t causelen)
{
	unsigned char	 payload[AUTH_TOKEN_PAYLOAD_MAX];
	unsigned char	 mac[AUTH_TOKEN_MAC_LEN], want[AUTH_TOKEN_MAC_LEN];
	const char	*dot;
	ssize_t		 plen;
	int64_t		 exp;

	if (len >= AUTH_TOKEN_MAX || (dot = memchr(tok, '.', len)) == NULL ||
	    dot == tok || (plen = auth_token_decode(tok, dot - tok, payload,
	    sizeof(payload))) == -1 ||
	    auth_token_decode(dot + 1, tok + len - dot - 1, mac,
	    sizeof(mac)) != sizeof(mac)) {
		snprintf(cause, causelen, "malformed token");
		return (-1);
	}
	if (auth_token_mac(key, payload, plen, want) == -1 ||
	    CRYPTO_memcmp(mac, want, sizeof(mac)) != 0) {
		snprintf(cause, causelen, "token signature does not match");
		return (-1);
	}
	if (auth_token_payload(payload, plen, user, &exp, camera) == -1) {
		snprintf(cause, causelen, "malformed token payload");
		return (-1);
	}
	if (now >= exp) {
		snprintf(cause, causelen, "token expired");
		return (-1);
	}
	if (expiry != NULL)
		*expiry = exp;
	return (0);
}

/* Finds the token subprotocol in a comma-separated list. */
int
auth_token_from_protocols(const char *value, size_t len, const char **tok,
    size_t *toklen)
{
	const char	*p = value, *end = value + len, *e, *s;
	size_t		 plen = strlen(AUTH_TOKEN_PROTOCOL);

	for (; p < end; p = e + 1) {
		if ((e = memchr(p, ',', end - p)) == NULL)
			e = end;
		for (s = p; s < e && (*s == ' ' || *s == '\t'); s++)
			;
		p = e;
		while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
		if ((size_t)(p - s) > plen &&
		    strncmp(s, AUTH_TOKEN_PROTOCOL, plen) == 0) {
			*tok = s + plen;
			*toklen = p - s - plen;
			return (0);
		}
	}
	return (-1);
}

/* Finds the token parameter of a raw query string. */
int
auth_token_from_query(const char *query, size_t len, const char **tok,
    size_t *toklen)
{
	const char	*p = query, *end = query + len, *e;

	for (; p < end; p = e + 1) {
		if ((e = memchr(p, '&', end - p)) == NULL)
			e = end;
		if (e - p > 6 && strncmp(p, "token=", 6) == 0) {
			*tok = p + 6;
			*toklen = e - p - 6;
			return (0);
		}
	}
	return (-1);
}
