/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ws_handshake.c: the request head parser, the upgrade checks, the
 * Origin rules and the query parameters on arbitrary bytes.  The first
 * byte picks the Origin configuration; the rest is the request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsd/ws_handshake.h"
#include "wsd/ws_request.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ws_request	 req;
	const char			*list[] = { "http://cam.local",
					    "*" };
	struct ws_handshake_conf	 conf = { "/stream", list, 0 };
	struct ws_handshake_result	 res;
	struct ws_handshake_params	 p;
	char				 cause[128], out[1024], *q;
	const char			*why;
	int				 rc;

	if (size < 1)
		return (0);
	conf.norigins = data[0] % 3;
	data++;
	size--;
	rc = ws_request_parse(&req, (const char *)data, size, cause,
	    sizeof(cause));
	if (rc == -1 && req.error != 400 && req.error != 431)
		abort();
	if (rc == 1) {
		if (req.head_len > size || req.head_len > WS_REQUEST_HEAD_MAX)
			abort();
		rc = ws_handshake_check(&conf, &req, &res);
		if (ws_handshake_response(out, sizeof(out), &res) < 0)
			abort();
		if (rc == 101 && strlen(res.accept) != WS_HANDSHAKE_ACCEPT_LEN)
			abort();
	}
	/* The same bytes as a bare query string. */
	if ((q = malloc(size + 1)) == NULL)
		abort();
	memcpy(q, data, size);
	q[size] = '\0';
	if (ws_handshake_query(q, &p, &why) == 0 &&
	    p.fps > WS_HANDSHAKE_FPS_MAX)
		abort();
	ws_handshake_has_token(q, "Upgrade");
	ws_handshake_origin_ok(&conf, q, "cam.local:8081");
	free(q);
	return (0);
}
