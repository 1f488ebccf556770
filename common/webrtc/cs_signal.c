/* SPDX-License-Identifier: ISC */
/*
 * cs_signal.c: camera-streamer's JSON signalling messages, read and
 * written with jansson.  The rules are in docs/webrtc.md,
 * "camera-streamer's signalling".  No I/O.
 */
#include <string.h>

#include <jansson.h>

#include "cs_signal.h"

static const char *const cs_signal_types[] = {
	[CS_SIGNAL_REQUEST] = "request",
	[CS_SIGNAL_ANSWER] = "answer",
	[CS_SIGNAL_REMOTE_CANDIDATE] = "remote_candidate",
	[CS_SIGNAL_OFFER] = "offer",
};

/* The type's name. */
const char *
cs_signal_type_name(enum cs_signal_type type)
{
	if ((size_t)type >= sizeof(cs_signal_types) /
	    sizeof(cs_signal_types[0]))
		return ("?");
	return (cs_signal_types[type]);
}

/* Says whether s (n bytes) is 1 to 64 letters, digits, '-' or '_'. */
static int
cs_signal_id_ok(const char *s, size_t n)
{
	return (n >= 1 && n < CS_SIGNAL_ID && strspn(s, "abcdefghijklmnopq"
	    "rstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n);
}

/* Says whether v is a string of at most max bytes, or null or absent. */
static int
cs_signal_opt_string(const json_t *v, size_t max)
{
	return (v == NULL || json_is_null(v) || (json_is_string(v) &&
	    json_string_length(v) <= max));
}

/* Reads "id".  NULL, or why not. */
static const char *
cs_signal_id(struct cs_signal_msg *m, const json_t *root)
{
	const json_t	*v = json_object_get(root, "id");

	if (!json_is_string(v) || !cs_signal_id_ok(json_string_value(v),
	    json_string_length(v)))
		return ("cs signal: no \"id\" of 1 to 64 letters, digits, "
		    "'-' or '_'");
	memcpy(m->id, json_string_value(v), json_string_length(v) + 1);
	return (NULL);
}

/* Reads "sdp".  NULL, or why not. */
static const char *
cs_signal_sdp(struct cs_signal_msg *m, const json_t *root)
{
	const json_t	*v = json_object_get(root, "sdp");
	size_t		 n;

	if (!json_is_string(v) || (n = json_string_length(v)) == 0 ||
	    n > SDP_OFFER_MAX || strlen(json_string_value(v)) != n)
		return ("cs signal: no \"sdp\" string of 1 to 16384 bytes");
	memcpy(m->sdp, json_string_value(v), n + 1);
	m->sdplen = n;
	return (NULL);
}

/* Reads a request's members.  NULL, or why not. */
static const char *
cs_signal_request(const json_t *root)
{
	const json_t	*v = json_object_get(root, "iceServers");

	if (v != NULL && !json_is_null(v) && (!json_is_array(v) ||
	    json_array_size(v) > CS_SIGNAL_SERVERS))
		return ("cs signal: \"iceServers\" is not null or an array "
		    "of at most 16");
	v = json_object_get(root, "ice_servers");
	if (v != NULL && !json_is_null(v) && (!json_is_array(v) ||
	    json_array_size(v) > CS_SIGNAL_SERVERS))
		return ("cs signal: \"ice_servers\" is not null or an array "
		    "of at most 16");
	if (!cs_signal_opt_string(json_object_get(root, "res"), 64))
		return ("cs signal: \"res\" is not a string of at most 64 "
		    "bytes");
	v = json_object_get(root, "keepAlive");
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
		return ("cs signal: \"keepAlive\" is not a boolean");
	return (NULL);
}

/* Reads remote_candidate's "candidates".  NULL, or why not. */
static const char *
cs_signal_cands(struct cs_signal_msg *m, const json_t *root)
{
	const json_t	*a = json_object_get(root, "candidates"), *c, *v;
	size_t		 i;

	if (!json_is_array(a) || json_array_size(a) > CS_SIGNAL_CANDS)
		return ("cs signal: \"candidates\" is not an array of at "
		    "most 16");
	json_array_foreach(a, i, c) {
		v = json_object_get(c, "sdpMLineIndex");
		if (!json_is_object(c) ||
		    !json_is_string(json_object_get(c, "candidate")) ||
		    json_string_length(json_object_get(c, "candidate")) >
		    CS_SIGNAL_CANDLEN ||
		    !cs_signal_opt_string(json_object_get(c, "sdpMid"),
		    SDP_OFFER_TOKEN - 1) ||
		    !cs_signal_opt_string(json_object_get(c,
		    "usernameFragment"), SDP_OFFER_ICE - 1) ||
		    (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
		    json_integer_value(v) < 0 ||
		    json_integer_value(v) >= SDP_OFFER_MEDIA)))
			return ("cs signal: a candidate is not {candidate, "
			    "sdpMid, sdpMLineIndex} within bounds");
		if (json_string_length(json_object_get(c, "candidate")) == 0)
			m->nend++;
		m->ncands++;
	}
	return (NULL);
}

/* Reads one message. */
int
cs_signal_parse(struct cs_signal_msg *m, const char *buf, size_t len,
    const char **cause)
{
	json_t		*root;
	const json_t	*t;
	const char	*why = NULL;
	size_t		 i;

	memset(m, 0, offsetof(struct cs_signal_msg, sdp));
	m->sdp[0] = '\0';
	m->sdplen = m->ncands = m->nend = 0;
	if (len > CS_SIGNAL_MAX) {
		*cause = "cs signal: the message is over 16384 bytes";
		return (-1);
	}
	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES,
	    NULL)) == NULL || !json_is_object(root)) {
		json_decref(root);
		*cause = "cs signal: the message is not one JSON object";
		return (-1);
	}
	t = json_object_get(root, "type");
	if (!json_is_string(t))
		why = "cs signal: the message has no \"type\" string";
	else {
		why = "cs signal: the type is not request, answer, "
		    "remote_candidate or offer";
		for (i = 0; i < sizeof(cs_signal_types) /
		    sizeof(cs_signal_types[0]); i++)
			if (strcmp(json_string_value(t),
			    cs_signal_types[i]) == 0 &&
			    strlen(cs_signal_types[i]) ==
			    json_string_length(t)) {
				m->type = (enum cs_signal_type)i;
				why = NULL;
			}
	}
	if (why == NULL) {
		switch (m->type) {
		case CS_SIGNAL_REQUEST:
			why = cs_signal_request(root);
			break;
		case CS_SIGNAL_ANSWER:
			if ((why = cs_signal_id(m, root)) == NULL)
				why = cs_signal_sdp(m, root);
			break;
		case CS_SIGNAL_REMOTE_CANDIDATE:
			if ((why = cs_signal_id(m, root)) == NULL)
				why = cs_signal_cands(m, root);
			break;
		case CS_SIGNAL_OFFER:
			why = cs_signal_sdp(m, root);
			break;
		}
	}
	json_decref(root);
	if ((*cause = why) != NULL)
		return (-1);
	return (0);
}

/*
 * Writes {"iceServers":[],["id":ID,]"sdp":SDP,"type":TYPE}, keys sorted
 * and compact as camera-streamer's JSON library writes them.
 */
static int
cs_signal_write(const char *id, const char *sdp, const char *type,
    char *buf, size_t len, const char **cause)
{
	json_t	*o;
	size_t	 n;

	if (len > 0)
		buf[0] = '\0';
	if ((id != NULL && !cs_signal_id_ok(id, strlen(id))) ||
	    sdp == NULL || strlen(sdp) == 0 || strlen(sdp) > SDP_OFFER_MAX) {
		*cause = "cs signal: the id or the sdp is out of bounds";
		return (-1);
	}
	if ((o = json_object()) == NULL ||
	    json_object_set_new(o, "iceServers", json_array()) == -1 ||
	    (id != NULL && json_object_set_new(o, "id",
	    json_string(id)) == -1) ||
	    json_object_set_new(o, "sdp", json_string(sdp)) == -1 ||
	    json_object_set_new(o, "type", json_string(type)) == -1) {
		json_decref(o);
		*cause = "cs signal: out of memory (or the sdp not UTF-8)";
		return (-1);
	}
	n = json_dumpb(o, buf, len, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (n == 0 || n >= len || n > 0x7fffffff) {
		if (len > 0)
			buf[0] = '\0';
		*cause = "cs signal: the buffer is too small";
		return (-1);
	}
	buf[n] = '\0';
	return ((int)n);
}

/* Writes the reply to "request". */
int
cs_signal_offer(const char *id, const char *sdp, char *buf, size_t len,
    const char **cause)
{
	if (id == NULL) {
		*cause = "cs signal: the id or the sdp is out of bounds";
		return (-1);
	}
	return (cs_signal_write(id, sdp, "offer", buf, len, cause));
}

/* Writes the reply to "offer". */
int
cs_signal_answer(const char *sdp, char *buf, size_t len, const char **cause)
{
	return (cs_signal_write(NULL, sdp, "answer", buf, len, cause));
}
