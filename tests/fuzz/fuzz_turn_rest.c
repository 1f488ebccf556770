/* SPDX-License-Identifier: ISC */
/*
 * fuzz_turn_rest.c: the TURN secret file's line and the credentials made
 * from it on arbitrary bytes.  A secret taken is one line of printable
 * bytes within the input; the first byte splits off a user name, which
 * gets credentials exactly when it keeps the rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "turn_rest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 cause[256], user[128], name[TURN_REST_NAME_MAX];
	char	 pass[TURN_REST_PASS_MAX];
	size_t	 ulen, i;
	int	 n, ok = 1, rc;

	if (size < 1 || size > 4096)
		return (0);
	ulen = data[0] % sizeof(user);
	if (ulen > size - 1)
		ulen = size - 1;
	memcpy(user, data + 1, ulen);
	user[ulen] = '\0';
	n = turn_rest_secret((const char *)data + 1 + ulen, size - 1 - ulen,
	    cause, sizeof(cause));
	if (n == -1)
		return (0);
	if (n == 0 || n > TURN_REST_SECRET_MAX || (size_t)n > size - 1 - ulen)
		abort();
	for (i = 0; i < (size_t)n; i++)
		if (data[1 + ulen + i] < 0x20 || data[1 + ulen + i] == 0x7f)
			abort();
	for (i = 0; i < strlen(user); i++)
		if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f ||
		    user[i] == ':')
			ok = 0;
	if (strlen(user) > TURN_REST_USER_MAX)
		ok = 0;
	rc = turn_rest_credential(data + 1 + ulen, n, UINT64_MAX - size, user,
	    name, pass, cause, sizeof(cause));
	if ((rc == 0) != ok || (rc == 0 && (strlen(pass) != 28 ||
	    strlen(name) >= TURN_REST_NAME_MAX)))
		abort();
	return (0);
}
