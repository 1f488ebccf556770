/* SPDX-License-Identifier: ISC */
/* ws_codec.c: RFC 6455 frame parser and server frame writers, no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws_codec.h"

struct ws_codec {
	size_t		 max_message;
	int		 done;		/* close or error reported */

	unsigned char	 hdr[14];	/* the current frame's header */
	size_t		 hdr_have;
	size_t		 hdr_need;

	int		 in_payload;	/* header parsed, reading payload */
	int		 fin;
	int		 opcode;
	uint64_t	 remaining;
	unsigned char	 mask[4];
	size_t		 mask_off;

	int		 msg_opcode;	/* message being assembled, or 0 */
	unsigned int	 msg_conts;	/* its continuation frames so far */
	unsigned char	*msg;
	size_t		 msg_len;
	size_t		 msg_cap;

	unsigned char	 ctl[WS_CODEC_CONTROL_MAX];
	size_t		 ctl_len;

	char		 cause[64];
};

/* Creates a parser. */
struct ws_codec *
ws_codec_new(size_t max_message)
{
	struct ws_codec	*wc;

	if ((wc = calloc(1, sizeof(*wc))) == NULL)
		return (NULL);
	wc->max_message = max_message;
	wc->hdr_need = 2;
	return (wc);
}

/* Frees a parser. */
void
ws_codec_free(struct ws_codec *wc)
{
	if (wc == NULL)
		return;
	free(wc->msg);
	free(wc);
}

/* Reports an event; data is never NULL, even when len is 0. */
static void
ws_codec_emit(ws_codec_cb cb, void *arg, enum ws_codec_event_type type,
    const unsigned char *data, size_t len, uint16_t code, const char *cause)
{
	struct ws_codec_event	 ev;

	ev.type = type;
	ev.data = data != NULL ? data : (const unsigned char *)"";
	ev.len = len;
	ev.code = code;
	ev.cause = cause;
	cb(&ev, arg);
}

/* Ends the stream with an error event carrying the close code to send. */
static int
ws_codec_fail(struct ws_codec *wc, uint16_t code, const char *cause,
    ws_codec_cb cb, void *arg)
{
	wc->done = 1;
	ws_codec_emit(cb, arg, WS_CODEC_ERROR, NULL, 0, code, cause);
	return (-1);
}

/* Checks the first two header bytes; returns the header's full length or 0. */
static size_t
ws_codec_check_start(struct ws_codec *wc, const char **cause)
{
	unsigned char	 b0 = wc->hdr[0], b1 = wc->hdr[1];
	size_t		 len7 = b1 & 0x7f;
	int		 control;

	wc->fin = (b0 & 0x80) != 0;
	wc->opcode = b0 & 0x0f;
	control = (wc->opcode & 0x8) != 0;
	if (b0 & 0x70) {
		*cause = "reserved bits set";
		return (0);
	}
	switch (wc->opcode) {
	case WS_CODEC_OP_CONT:
		if (wc->msg_opcode == 0) {
			*cause = "continuation frame without a message";
			return (0);
		}
		break;
	case WS_CODEC_OP_TEXT:
	case WS_CODEC_OP_BINARY:
		if (wc->msg_opcode != 0) {
			*cause = "new message inside a fragmented message";
			return (0);
		}
		break;
	case WS_CODEC_OP_CLOSE:
	case WS_CODEC_OP_PING:
	case WS_CODEC_OP_PONG:
		if (!wc->fin) {
			*cause = "fragmented control frame";
			return (0);
		}
		break;
	default:
		snprintf(wc->cause, sizeof(wc->cause), "unknown opcode 0x%x",
		    wc->opcode);
		*cause = wc->cause;
		return (0);
	}
	if (!(b1 & 0x80)) {
		*cause = "unmasked frame";
		return (0);
	}
	if (control && len7 > WS_CODEC_CONTROL_MAX) {
		*cause = "control frame over 125 bytes";
		return (0);
	}
	return (2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4);
}

/*
 * Reads the payload length and mask of a complete header.  Returns 0, or
 * the close code to fail with (cause set).
 */
static uint16_t
ws_codec_check_header(struct ws_codec *wc, const char **cause)
{
	size_t		 len7 = wc->hdr[1] & 0x7f, i, ext;
	uint64_t	 len = 0;
	size_t		 need;

	ext = wc->hdr_need - 6;
	if (ext == 0)
		len = len7;
	for (i = 0; i < ext; i++)
		len = (len << 8) | wc->hdr[2 + i];
	if (ext == 8 && (wc->hdr[2] & 0x80)) {
		*cause = "payload length with the top bit set";
		return (WS_CODEC_CLOSE_PROTOCOL);
	}
	memcpy(wc->mask, wc->hdr + 2 + ext, 4);
	wc->mask_off = 0;
	wc->remaining = len;
	wc->ctl_len = 0;
	if (wc->opcode & 0x8)
		return (0);
	if (wc->opcode == WS_CODEC_OP_CONT &&
	    ++wc->msg_conts > WS_CODEC_FRAGMENTS_MAX) {
		*cause = "message in too many fragments";
		return (WS_CODEC_CLOSE_TOO_BIG);
	}
	if (len > wc->max_message - wc->msg_len) {
		*cause = "message too big";
		return (WS_CODEC_CLOSE_TOO_BIG);
	}
	need = wc->msg_len + len;
	if (need > wc->msg_cap) {
		unsigned char	*p;

		if ((p = realloc(wc->msg, need)) == NULL) {
			*cause = "out of memory";
			return (WS_CODEC_CLOSE_ERROR);
		}
		wc->msg = p;
		wc->msg_cap = need;
	}
	return (0);
}

/* Handles a complete close frame. */
static int
ws_codec_close_frame(struct ws_codec *wc, ws_codec_cb cb, void *arg)
{
	unsigned int	 code = WS_CODEC_CLOSE_NO_STATUS;

	if (wc->ctl_len == 1)
		return (ws_codec_fail(wc, WS_CODEC_CLOSE_PROTOCOL,
		    "close frame with a 1-byte payload", cb, arg));
	if (wc->ctl_len >= 2) {
		code = (wc->ctl[0] << 8) | wc->ctl[1];
		if (!ws_codec_close_code_valid(code))
			return (ws_codec_fail(wc, WS_CODEC_CLOSE_PROTOCOL,
			    "invalid close code", cb, arg));
		if (!ws_codec_utf8_valid(wc->ctl + 2, wc->ctl_len - 2))
			return (ws_codec_fail(wc, WS_CODEC_CLOSE_BAD_DATA,
			    "invalid UTF-8 in close reason", cb, arg));
	}
	wc->done = 1;
	ws_codec_emit(cb, arg, WS_CODEC_CLOSE, wc->ctl + 2 * (wc->ctl_len >= 2),
	    wc->ctl_len >= 2 ? wc->ctl_len - 2 : 0, code, NULL);
	return (-1);
}

/* Handles a frame whose payload is complete. */
static int
ws_codec_frame_done(struct ws_codec *wc, ws_codec_cb cb, void *arg)
{
	enum ws_codec_event_type type;

	switch (wc->opcode) {
	case WS_CODEC_OP_CLOSE:
		return (ws_codec_close_frame(wc, cb, arg));
	case WS_CODEC_OP_PING:
	case WS_CODEC_OP_PONG:
		ws_codec_emit(cb, arg, wc->opcode == WS_CODEC_OP_PING ?
		    WS_CODEC_PING : WS_CODEC_PONG, wc->ctl, wc->ctl_len, 0,
		    NULL);
		return (0);
	case WS_CODEC_OP_TEXT:
	case WS_CODEC_OP_BINARY:
		wc->msg_opcode = wc->opcode;
		break;
	}
	if (!wc->fin)
		return (0);
	type = wc->msg_opcode == WS_CODEC_OP_TEXT ? WS_CODEC_TEXT :
	    WS_CODEC_BINARY;
	if (type == WS_CODEC_TEXT && !ws_codec_utf8_valid(wc->msg, wc->msg_len))
		return (ws_codec_fail(wc, WS_CODEC_CLOSE_BAD_DATA,
		    "invalid UTF-8 in text message", cb, arg));
	ws_codec_emit(cb, arg, type, wc->msg, wc->msg_len, 0, NULL);
	wc->msg_opcode = 0;
	wc->msg_conts = 0;
	wc->msg_len = 0;
	return (0);
}

/* Unmasks up to len payload bytes into the frame's destination. */
static size_t
ws_codec_payload(struct ws_codec *wc, const unsigned char *data, size_t len)
{
	unsigned char	*dst;
	size_t		 n, i;

	n = len < wc->remaining ? len : (size_t)wc->remaining;
	if (wc->opcode & 0x8) {
		dst = wc->ctl + wc->ctl_len;
		wc->ctl_len += n;
	} else {
		dst = wc->msg + wc->msg_len;
		wc->msg_len += n;
	}
	for (i = 0; i < n; i++)
		dst[i] = data[i] ^ wc->mask[(wc->mask_off + i) & 3];
	wc->mask_off = (wc->mask_off + n) & 3;
	wc->remaining -= n;
	return (n);
}

/* Feeds bytes to the parser. */
int
ws_codec_feed(struct ws_codec *wc, const unsigned char *data, size_t len,
    ws_codec_cb cb, void *arg)
{
	const char	*cause = NULL;
	size_t		 n;
	uint16_t	 code;

	while (!wc->done) {
		if (!wc->in_payload) {
			if (len == 0)
				return (0);
			n = wc->hdr_need - wc->hdr_have;
			if (n > len)
				n = len;
			memcpy(wc->hdr + wc->hdr_have, data, n);
			wc->hdr_have += n;
			data += n;
			len -= n;
			if (wc->hdr_have == 2 && (wc->hdr_need =
			    ws_codec_check_start(wc, &cause)) == 0)
				return (ws_codec_fail(wc,
				    WS_CODEC_CLOSE_PROTOCOL, cause, cb, arg));
			if (wc->hdr_have < wc->hdr_need)
				continue;
			if ((code = ws_codec_check_header(wc, &cause)) != 0)
				return (ws_codec_fail(wc, code, cause, cb,
				    arg));
			wc->in_payload = 1;
		} else {
			if (wc->remaining > 0 && len == 0)
				return (0);
			n = ws_codec_payload(wc, data, len);
			data += n;
			len -= n;
		}
		if (wc->in_payload && wc->remaining == 0) {
			wc->in_payload = 0;
			wc->hdr_have = 0;
			wc->hdr_need = 2;
			if (ws_codec_frame_done(wc, cb, arg) == -1)
				return (-1);
		}
	}
	return (-1);
}

/* Says whether a fragmented message is open, its final frame not yet in. */
int
ws_codec_in_message(const struct ws_codec *wc)
{
	return (!wc->done && (wc->msg_opcode != 0 || (wc->in_payload &&
	    !wc->fin && !(wc->opcode & 0x8))));
}

/* Writes an unmasked final frame header. */
size_t
ws_codec_header(unsigned char *buf, int opcode, uint64_t payload_len)
{
	int	 i;

	buf[0] = 0x80 | (opcode & 0x0f);
	if (payload_len < 126) {
		buf[1] = payload_len;
		return (2);
	}
	if (payload_len <= 0xffff) {
		buf[1] = 126;
		buf[2] = payload_len >> 8;
		buf[3] = payload_len & 0xff;
		return (4);
	}
	buf[1] = 127;
	for (i = 0; i < 8; i++)
		buf[2 + i] = payload_len >> (8 * (7 - i));
	return (10);
}

/* Writes a whole ping or pong frame. */
size_t
ws_codec_control(unsigned char *buf, int opcode, const unsigned char *payload,
    size_t len)
{
	size_t	 n;

	if (len > WS_CODEC_CONTROL_MAX)
		len = WS_CODEC_CONTROL_MAX;
	n = ws_codec_header(buf, opcode, len);
	if (len > 0)
		memcpy(buf + n, payload, len);
	return (n + len);
}

/* Writes a whole close frame. */
size_t
ws_codec_close(unsigned char *buf, uint16_t code, const char *reason)
{
	unsigned char	 payload[WS_CODEC_CONTROL_MAX];
	size_t		 rlen;

	if (code == 0 || code == WS_CODEC_CLOSE_NO_STATUS)
		return (ws_codec_control(buf, WS_CODEC_OP_CLOSE, NULL, 0));
	rlen = reason != NULL ? strlen(reason) : 0;
	if (rlen > WS_CODEC_CONTROL_MAX - 2) {
		rlen = WS_CODEC_CONTROL_MAX - 2;
		while (rlen > 0 && ((unsigned char)reason[rlen] & 0xc0) == 0x80)
			rlen--;
	}
	payload[0] = code >> 8;
	payload[1] = code & 0xff;
	if (rlen > 0)
		memcpy(payload + 2, reason, rlen);
	return (ws_codec_control(buf, WS_CODEC_OP_CLOSE, payload, 2 + rlen));
}

/* Checks UTF-8: no overlong forms, surrogates or code points past U+10FFFF. */
int
ws_codec_utf8_valid(const unsigned char *s, size_t len)
{
	size_t		 i = 0, n, k;
	unsigned int	 c, lo, hi;

	while (i < len) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return (0);
		if (len - i - 1 < n || s[i + 1] < lo || s[i + 1] > hi)
			return (0);
		for (k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
		i += n + 1;
	}
	return (1);
}

/* Close codes a peer may send (RFC 6455 7.4 and the IANA registry). */
int
ws_codec_close_code_valid(unsigned int code)
{
	if (code >= 1000 && code <= 1003)
		return (1);
	if (code >= 1007 && code <= 1014)
		return (1);
	return (code >= 3000 && code <= 4999);
}
