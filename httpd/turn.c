/* SPDX-License-Identifier: ISC */
/* turn.c: TURN credentials for the page, from the shared secret. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "secret_file.h"
#include "turn_rest.h"

#include "turn.h"
#include "web.h"

struct turn {
	const struct web_conf	*conf;
	char			 secret[TURN_REST_SECRET_MAX];
	size_t			 secretlen;
};

/* Reads the secret file into t: 0, or -1 with cause. */
static int
turn_load(struct turn *t, char *cause, size_t causelen)
{
	char	*buf, why[256];
	size_t	 len;
	int	 n;

	/* Private to its owner and group, as the other secret files. */
	if (secret_file_read(t->conf->turn_secret_file, TURN_REST_SECRET_MAX +
	    2, 1, &buf, &len, cause, causelen) == -1)
		return (-1);
	if ((n = turn_rest_secret(buf, len, why, sizeof(why))) == -1) {
		snprintf(cause, causelen, "%s: %s", t->conf->turn_secret_file,
		    why);
		free(buf);
		return (-1);
	}
	memcpy(t->secret, buf, n);
	t->secretlen = n;
	explicit_bzero(buf, len);
	free(buf);
	return (0);
}

/* Reads the secret. */
struct turn *
turn_new(const struct web_conf *conf, char *cause, size_t causelen)
{
	struct turn	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(cause, causelen, "out of memory");
		return (NULL);
	}
	t->conf = conf;
	if (turn_load(t, cause, causelen) == -1) {
		turn_free(t);
		return (NULL);
	}
	return (t);
}

/* Frees t, the secret wiped. */
void
turn_free(struct turn *t)
{
	if (t == NULL)
		return;
	explicit_bzero(t, sizeof(*t));
	free(t);
}

/* SIGHUP: the secret again, or the old one with a log line. */
void
turn_reload(struct turn *t)
{
	struct turn	 next;
	char		 cause[512];

	if (t == NULL)
		return;
	next = *t;
	if (turn_load(&next, cause, sizeof(cause)) == -1) {
		log_warnx("--turn-secret-file: %s; keeping the secret read "
		    "before", cause);
		explicit_bzero(&next, sizeof(next));
		return;
	}
	*t = next;
	explicit_bzero(&next, sizeof(next));
	log_info("TURN secret re-read from %s", t->conf->turn_secret_file);
}

/* [{"urls":[...],"username":"EXPIRY:USER","credential":"..."}] */
json_t *
turn_ice_servers(const struct turn *t, const char *user, uint64_t now)
{
	char	 name[TURN_REST_NAME_MAX], pass[TURN_REST_PASS_MAX];
	char	 cause[256];
	json_t	*urls;
	size_t	 i;

	if (turn_rest_credential(t->secret, t->secretlen, now +
	    t->conf->turn_ttl, user, name, pass, cause, sizeof(cause)) == -1) {
		log_warnx("TURN credentials: %s", cause);
		return (json_array());
	}
	if ((urls = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < t->conf->nturn_urls; i++)
		json_array_append_new(urls, json_string(t->conf->turn_urls[i]));
	return (json_pack("[{s:o,s:s,s:s}]", "urls", urls, "username", name,
	    "credential", pass));
}
