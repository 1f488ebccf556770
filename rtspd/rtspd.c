/* SPDX-License-Identifier: ISC */
/*
 * rtspd: serves capd's H.264 over RTSP 1.0 (RFC 2326) to NVRs and players.
 */
#include <stdio.h>

/* Not yet serving. */
int
main(void)
{
	fprintf(stderr, "campipe-rtspd: not built yet\n");
	return (1);
}
