/* SPDX-License-Identifier: ISC */
/*
 * ws_codec.h: the RFC 6455 frame codec, without I/O.  The parser is fed the
 * bytes a client sent, split anywhere, and reports whole messages, control
 * frames and protocol errors through a callback; the writers build the
 * (unmasked) server frames.
 *
 * The parser reassembles fragmented messages up to max_message bytes and
 * WS_CODEC_FRAGMENTS_MAX continuation frames (1009 beyond either), accepts
 * control frames between fragments, requires masked frames and
 * checks UTF-8 in text messages and close reasons.  After a close frame or
 * an error it ignores everything else.
 */
#ifndef CAMPIPE_WS_CODEC_H
#define CAMPIPE_WS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define WS_CODEC_OP_CONT	0x0
#define WS_CODEC_OP_TEXT	0x1
#define WS_CODEC_OP_BINARY	0x2
#define WS_CODEC_OP_CLOSE	0x8
#define WS_CODEC_OP_PING	0x9
#define WS_CODEC_OP_PONG	0xa

#define WS_CODEC_HEADER_MAX	10	/* longest server frame header */
#define WS_CODEC_CONTROL_MAX	125	/* longest control payload */
/* A whole control frame. */
#define WS_CODEC_FRAME_MAX	(2 + WS_CODEC_CONTROL_MAX)
/* Continuation frames one message may take. */
#define WS_CODEC_FRAGMENTS_MAX	64

#define WS_CODEC_CLOSE_NORMAL		1000
#define WS_CODEC_CLOSE_GOING_AWAY	1001
#define WS_CODEC_CLOSE_PROTOCOL		1002
#define WS_CODEC_CLOSE_NO_STATUS	1005	/* never sent */
#define WS_CODEC_CLOSE_BAD_DATA		1007
#define WS_CODEC_CLOSE_POLICY		1008
#define WS_CODEC_CLOSE_TOO_BIG		1009
#define WS_CODEC_CLOSE_ERROR		1011

enum ws_codec_event_type {
	WS_CODEC_TEXT,		/* a whole text message (valid UTF-8) */
	WS_CODEC_BINARY,	/* a whole binary message */
	WS_CODEC_PING,		/* answer with a pong carrying data */
	WS_CODEC_PONG,
	WS_CODEC_CLOSE,		/* code (1005 if none) and reason in data */
	WS_CODEC_ERROR		/* close with code; cause says why */
};

struct ws_codec_event {
	enum ws_codec_event_type type;
	const unsigned char	*data;	/* never NULL; valid in the call */
	size_t			 len;
	uint16_t		 code;	/* CLOSE: received; ERROR: to send */
	const char		*cause;	/* ERROR only */
};

struct ws_codec;

typedef void	(*ws_codec_cb)(const struct ws_codec_event *ev, void *arg);

/* Creates a parser for messages of at most max_message bytes. */
struct ws_codec	*ws_codec_new(size_t max_message);
void		 ws_codec_free(struct ws_codec *wc);

/*
 * Feeds len bytes, calling cb for every event they complete, in order.
 * Returns 0, or -1 once the stream is over (a close frame or an error was
 * reported, now or before): the remaining bytes are ignored.
 */
int		 ws_codec_feed(struct ws_codec *wc, const unsigned char *data,
		    size_t len, ws_codec_cb cb, void *arg);

/*
 * Says whether a fragmented message has begun and its final frame is not
 * in yet, so that the caller may bound the time it takes.
 */
int		 ws_codec_in_message(const struct ws_codec *wc);

/*
 * Writes the header of an unmasked final frame with this opcode and payload
 * length into buf (WS_CODEC_HEADER_MAX bytes).  Returns its length: 2, 4
 * or 10.
 */
size_t		 ws_codec_header(unsigned char *buf, int opcode,
		    uint64_t payload_len);

/*
 * Writes a whole control frame (ping or pong) into buf (WS_CODEC_FRAME_MAX
 * bytes); the payload is cut at 125 bytes.  Returns the frame's length.
 */
size_t		 ws_codec_control(unsigned char *buf, int opcode,
		    const unsigned char *payload, size_t len);

/*
 * Writes a close frame with code and reason (cut at 123 bytes, at a UTF-8
 * boundary) into buf (WS_CODEC_FRAME_MAX bytes).  Code 1005 or 0 writes a
 * close frame without payload.  Returns the frame's length.
 */
size_t		 ws_codec_close(unsigned char *buf, uint16_t code,
		    const char *reason);

/* Says whether len bytes are well-formed UTF-8 (RFC 3629). */
int		 ws_codec_utf8_valid(const unsigned char *s, size_t len);

/* Says whether a close code received from a peer is allowed on the wire. */
int		 ws_codec_close_code_valid(unsigned int code);

#endif
