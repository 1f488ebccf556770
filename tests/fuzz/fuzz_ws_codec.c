/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ws_codec.c: the WebSocket frame parser on arbitrary bytes.  Input:
 * one byte choosing the message limit, one the number of chunks, then the
 * client's bytes.  Feeding them whole or in chunks must give the same
 * events; every reported payload is read in full (ASan checks it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsd/ws_codec.h"

struct digest {
	uint64_t	 h;
	unsigned int	 n;
};

/* Folds an event into a running hash and touches its payload. */
static void
digest_cb(const struct ws_codec_event *ev, void *arg)
{
	struct digest	*d = arg;
	unsigned char	 frame[WS_CODEC_FRAME_MAX];
	size_t		 i;

	d->n++;
	d->h = d->h * 1099511628211ULL + ev->type * 7 + ev->code;
	for (i = 0; i < ev->len; i++)
		d->h = d->h * 31 + ev->data[i];
	if (ev->type == WS_CODEC_PING)
		ws_codec_control(frame, WS_CODEC_OP_PONG, ev->data, ev->len);
	if (ev->type == WS_CODEC_ERROR)
		ws_codec_close(frame, ev->code, ev->cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_codec	*a, *b;
	struct digest	 da = { 0, 0 }, db = { 0, 0 };
	size_t		 max, chunks, step, off, n;

	if (size < 2)
		return (0);
	max = (size_t)data[0] * 16;
	chunks = data[1] % 8 + 1;
	data += 2;
	size -= 2;
	a = ws_codec_new(max);
	b = ws_codec_new(max);
	if (a == NULL || b == NULL)
		abort();
	ws_codec_feed(a, data, size, digest_cb, &da);
	step = size / chunks + 1;
	for (off = 0; off < size; off += n) {
		n = size - off < step ? size - off : step;
		ws_codec_feed(b, data + off, n, digest_cb, &db);
	}
	if (da.h != db.h || da.n != db.n)
		abort();
	ws_codec_free(a);
	ws_codec_free(b);
	return (0);
}
