/* SPDX-License-Identifier: ISC */
/*
 * ice_lite.c: a lite agent's answers to connectivity checks.  A lite agent
 * is always controlled (RFC 8445 section 6.1.1), so a peer that says it is
 * controlled too is told 487 Role Conflict; a request without a valid
 * MESSAGE-INTEGRITY gets no answer at all, so spoofed floods are never
 * reflected, and no answer is longer than its request.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include <openssl/crypto.h>

#include "demux.h"
#include "ice_lite.h"
#include "stun.h"

/* 1 if the n bytes at s are all ice-chars (ALPHA, DIGIT, '+', '/'). */
static int
ice_lite_ischars(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '/'))
			return (0);
	return (1);
}

/* Copies s into out if it is min to ICE_LITE_*_MAX ice-chars. */
static int
ice_lite_chars(const char *s, size_t min, char *out, size_t *outlen)
{
	size_t	 n;

	if (s == NULL || (n = strlen(s)) < min || n > ICE_LITE_PWD_MAX ||
	    !ice_lite_ischars(s, n))
		return (-1);
	memcpy(out, s, n + 1);
	*outlen = n;
	return (0);
}

/* Starts a session. */
int
ice_lite_init(struct ice_lite *ice, const char *local_ufrag,
    const char *local_pwd, const char *remote_ufrag, uint64_t now_ms,
    const char **cause)
{
	memset(ice, 0, sizeof(*ice));
	ice->selected = -1;
	ice->start_ms = now_ms;
	if (ice_lite_chars(local_ufrag, ICE_LITE_UFRAG_MIN, ice->local_ufrag,
	    &ice->local_ufrag_len) == -1 ||
	    ice_lite_chars(remote_ufrag, ICE_LITE_UFRAG_MIN,
	    ice->remote_ufrag, &ice->remote_ufrag_len) == -1) {
		*cause = "ICE ufrag not 4 to 256 ice-chars";
		return (-1);
	}
	if (ice_lite_chars(local_pwd, ICE_LITE_PWD_MIN, ice->local_pwd,
	    &ice->local_pwd_len) == -1) {
		*cause = "ICE password not 22 to 256 ice-chars";
		return (-1);
	}
	return (0);
}

/* Ends a session. */
void
ice_lite_free(struct ice_lite *ice)
{
	OPENSSL_cleanse(ice, sizeof(*ice));
	ice->selected = -1;
}

/* Copies an IPv4 or IPv6 address and port alone into out; -1 if neither. */
static int
ice_lite_addr(const struct sockaddr_storage *in, struct sockaddr_storage *out)
{
	const struct sockaddr_in	*sin = (const void *)in;
	const struct sockaddr_in6	*sin6 = (const void *)in;
	struct sockaddr_in		*osin = (void *)out;
	struct sockaddr_in6		*osin6 = (void *)out;

	memset(out, 0, sizeof(*out));
	if (in->ss_family == AF_INET) {
		osin->sin_family = AF_INET;
		osin->sin_port = sin->sin_port;
		osin->sin_addr = sin->sin_addr;
	} else if (in->ss_family == AF_INET6) {
		osin6->sin6_family = AF_INET6;
		osin6->sin6_port = sin6->sin6_port;
		osin6->sin6_addr = sin6->sin6_addr;
	} else
		return (-1);
	return (0);
}

/* The remembered peer at addr (as ice_lite_addr copies it), or -1. */
static int
ice_lite_find(const struct ice_lite *ice, const struct sockaddr_storage *addr)
{
	int	 i;

	for (i = 0; i < ICE_LITE_PEERS; i++)
		if (ice->peers[i].used &&
		    memcmp(&ice->peers[i].addr, addr, sizeof(*addr)) == 0)
			return (i);
	return (-1);
}

/*
 * The peer at addr, remembered if new: in a free place, else in place of
 * the one whose last valid request is oldest, never the selected one.
 */
static struct ice_lite_peer *
ice_lite_remember(struct ice_lite *ice, const struct sockaddr_storage *addr,
    uint64_t now_ms)
{
	struct ice_lite_peer	*p;
	int			 i, old = -1;

	if ((i = ice_lite_find(ice, addr)) != -1)
		return (&ice->peers[i]);
	for (i = 0; i < ICE_LITE_PEERS; i++) {
		if (!ice->peers[i].used) {
			old = i;
			break;
		}
		if (i != ice->selected && (old == -1 ||
		    ice->peers[i].last_ms < ice->peers[old].last_ms))
			old = i;
	}
	p = &ice->peers[old];
	memset(p, 0, sizeof(*p));
	p->addr = *addr;
	p->used = 1;
	p->first_ms = now_ms;
	return (p);
}

/*
 * Records a nomination: the nominated pair of highest priority is the
 * selected one (RFC 8445 section 8.2.2; with one local candidate per
 * address the pair's priority grows with the peer's PRIORITY), and one
 * whose consent is gone gives way to any other.
 */
static void
ice_lite_nominate(struct ice_lite *ice, struct ice_lite_peer *p,
    uint64_t now_ms)
{
	const struct ice_lite_peer	*sel;
	int				 i = (int)(p - ice->peers);

	p->nominated = 1;
	if (ice->selected == i)
		return;
	if (ice->selected != -1) {
		sel = &ice->peers[ice->selected];
		if (p->priority < sel->priority &&
		    ice_lite_consent(ice, &sel->addr, now_ms))
			return;
	}
	ice->selected = i;
	ice->selections++;
}

/* Writes an error response with MESSAGE-INTEGRITY; -1 if it cannot. */
static int
ice_lite_error(struct ice_lite *ice, const struct stun_msg *m, int code,
    unsigned char *out, size_t outlen, const char *why, const char **cause)
{
	int	 n;

	if ((n = stun_binding_error(m->tid, code, m->unknown, code ==
	    STUN_E_UNKNOWN_ATTR ? m->nunknown : 0, ice->local_pwd,
	    ice->local_pwd_len, out, outlen, cause)) == -1)
		return (-1);
	*cause = why;
	return (n);
}

/* 1 if m's USERNAME is "LOCAL:REMOTE" of this session. */
static int
ice_lite_username_ok(const struct ice_lite *ice, const struct stun_msg *m)
{
	size_t	 l = ice->local_ufrag_len;

	return (m->username_len == l + 1 + ice->remote_ufrag_len &&
	    memcmp(m->username, ice->local_ufrag, l) == 0 &&
	    m->username[l] == ':' &&
	    memcmp(m->username + l + 1, ice->remote_ufrag,
	    ice->remote_ufrag_len) == 0);
}

/* Checks a request from an address; its verdict, as ice_lite_handle's. */
static int
ice_lite_check(struct ice_lite *ice, const struct stun_msg *m,
    const struct sockaddr_storage *from, unsigned char *out, size_t outlen,
    const char **cause)
{
	int	 n;

	if (m->type != STUN_BINDING_REQUEST) {
		*cause = m->type == STUN_BINDING_INDICATION ?
		    "Binding indication: nothing to answer" :
		    "not a Binding request";
		return (-1);
	}
	if (!(m->has & STUN_HAS_FINGERPRINT)) {
		*cause = "no FINGERPRINT";
		return (-1);
	}
	if (!(m->has & STUN_HAS_USERNAME) || !(m->has & STUN_HAS_INTEGRITY)) {
		*cause = "no USERNAME or no MESSAGE-INTEGRITY";
		return (-1);
	}
	if (stun_integrity(m, ice->local_pwd, ice->local_pwd_len,
	    cause) == -1)
		return (-1);
	/* From here the peer knows the password: it may be answered. */
	if (!ice_lite_username_ok(ice, m)) {
		/* 401 carries no MESSAGE-INTEGRITY (RFC 8489 9.1.3). */
		if ((n = stun_binding_error(m->tid, STUN_E_UNAUTHORIZED, NULL,
		    0, NULL, 0, out, outlen, cause)) == -1)
			return (-1);
		*cause = "USERNAME is not LOCALUFRAG:REMOTEUFRAG";
		return (n);
	}
	if (m->nunknown > 0)
		return (ice_lite_error(ice, m, STUN_E_UNKNOWN_ATTR, out,
		    outlen, "unknown comprehension-required attribute", cause));
	if ((m->has & STUN_HAS_CONTROLLING) && (m->has & STUN_HAS_CONTROLLED))
		return (ice_lite_error(ice, m, STUN_E_BAD_REQUEST, out, outlen,
		    "both ICE-CONTROLLING and ICE-CONTROLLED", cause));
	if (m->has & STUN_HAS_CONTROLLED)
		return (ice_lite_error(ice, m, STUN_E_ROLE_CONFLICT, out,
		    outlen, "ICE-CONTROLLED: a lite agent's peer controls",
		    cause));
	if (!(m->has & STUN_HAS_PRIORITY))
		return (ice_lite_error(ice, m, STUN_E_BAD_REQUEST, out, outlen,
		    "no PRIORITY", cause));
	if ((n = stun_binding_success(m->tid, from, ice->local_pwd,
	    ice->local_pwd_len, out, outlen, cause)) == -1)
		return (-1);
	*cause = NULL;
	return (n);
}

/* Handles a datagram from from at now_ms. */
int
ice_lite_handle(struct ice_lite *ice, const unsigned char *pkt, size_t len,
    const struct sockaddr_storage *from, uint64_t now_ms, unsigned char *out,
    size_t outlen, const char **cause)
{
	struct sockaddr_storage	 addr;
	struct stun_msg		 m;
	struct ice_lite_peer	*p;
	int			 n;

	if (ice_lite_addr(from, &addr) == -1) {
		*cause = "source neither IPv4 nor IPv6";
		ice->dropped++;
		return (-1);
	}
	if (demux_kind(pkt, len) != DEMUX_STUN) {
		*cause = "not STUN (RFC 7983)";
		ice->dropped++;
		return (-1);
	}
	if (stun_parse(&m, pkt, len, cause) == -1 ||
	    (n = ice_lite_check(ice, &m, &addr, out, outlen, cause)) == -1) {
		ice->dropped++;
		return (-1);
	}
	if ((size_t)n > len) {
		*cause = "the answer would be longer than the request";
		ice->dropped++;
		return (-1);
	}
	if (*cause != NULL)
		return (n);
	p = ice_lite_remember(ice, &addr, now_ms);
	p->last_ms = now_ms;
	p->priority = m.priority;
	if ((m.has & STUN_HAS_USE_CANDIDATE) &&
	    (m.has & STUN_HAS_CONTROLLING))
		ice_lite_nominate(ice, p, now_ms);
	ice->answered++;
	return (n);
}

/* The nominated remote address, or NULL. */
const struct sockaddr_storage *
ice_lite_selected(const struct ice_lite *ice)
{
	if (ice->selected < 0)
		return (NULL);
	return (&ice->peers[ice->selected].addr);
}

/* 1 if addr has consent at now_ms. */
int
ice_lite_consent(const struct ice_lite *ice,
    const struct sockaddr_storage *addr, uint64_t now_ms)
{
	struct sockaddr_storage	 a;
	int			 i;

	if (ice_lite_addr(addr, &a) == -1 || (i = ice_lite_find(ice, &a)) == -1)
		return (0);
	return (now_ms < ice->peers[i].last_ms ||
	    now_ms - ice->peers[i].last_ms < ICE_LITE_CONSENT_MS);
}

/* 1 if the session has lost consent at now_ms. */
int
ice_lite_expired(const struct ice_lite *ice, uint64_t now_ms)
{
	uint64_t	 last = ice->start_ms;
	int		 i;

	if (ice->selected >= 0)
		last = ice->peers[ice->selected].last_ms;
	else
		for (i = 0; i < ICE_LITE_PEERS; i++)
			if (ice->peers[i].used && ice->peers[i].last_ms > last)
				last = ice->peers[i].last_ms;
	return (now_ms >= last && now_ms - last >= ICE_LITE_CONSENT_MS);
}

/* Copies the local ufrag a request's USERNAME names. */
int
ice_lite_ufrag(const unsigned char *pkt, size_t len, char *ufrag,
    size_t ufraglen, const char **cause)
{
	struct stun_msg		 m;
	const unsigned char	*colon;
	size_t			 n;

	if (stun_parse(&m, pkt, len, cause) == -1)
		return (-1);
	if (!(m.has & STUN_HAS_USERNAME) || (colon = memchr(m.username, ':',
	    m.username_len)) == NULL) {
		*cause = "no USERNAME of the form LOCALUFRAG:REMOTEUFRAG";
		return (-1);
	}
	n = (size_t)(colon - m.username);
	if (n < ICE_LITE_UFRAG_MIN || n > ICE_LITE_UFRAG_MAX ||
	    n >= ufraglen || !ice_lite_ischars((const char *)m.username, n)) {
		*cause = "USERNAME's ufrag not 4 to 256 ice-chars";
		return (-1);
	}
	memcpy(ufrag, m.username, n);
	ufrag[n] = '\0';
	return (0);
}
