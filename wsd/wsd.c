/* wsd.c: the WebSocket relay daemon (the relay itself lands next). */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "campipe-wsd: not built yet\n");
	return (1);
}
