/* SPDX-License-Identifier: ISC */
/* camstat.c: capd's status as last seen, refreshed on demand. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "camstat.h"
#include "control_client.h"
#include "mono.h"

struct camstat {
	struct event_base	*base;
	const char		*sock;
	struct control_client	*req;		/* out, or NULL */
	json_t			*doc;		/* last answer, or NULL */
	double			 when;		/* of the last answer */
};

struct camstat *
camstat_new(struct event_base *base, const char *sock)
{
	struct camstat	*cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return (NULL);
	cs->base = base;
	cs->sock = sock;
	return (cs);
}

void
camstat_free(struct camstat *cs)
{
	if (cs == NULL)
		return;
	control_client_cancel(cs->req);
	json_decref(cs->doc);
	free(cs);
}

/* capd answered. */
static void
camstat_answer(int status, const char *body, size_t len, const char *cause,
    void *arg)
{
	struct camstat	*cs = arg;
	json_t		*o = status == 200 ? json_loadb(body, len, 0, NULL) :
	    NULL;

	cs->req = NULL;
	json_decref(cs->doc);
	cs->doc = NULL;
	if (o != NULL && !json_is_object(o))
		json_decref(o);
	else
		cs->doc = o;
	cs->when = mono_sec();
}

/* Asks capd unless the answer is fresh. */
void
camstat_refresh(struct camstat *cs)
{
	if (cs->req != NULL || (cs->when > 0 &&
	    mono_sec() - cs->when < CAMSTAT_FRESH))
		return;
	cs->req = control_client_request(cs->base, cs->sock, "GET", "/status",
	    NULL, 0, camstat_answer, cs);
}

/* The last answer and its age. */
json_t *
camstat_get(struct camstat *cs, double *age)
{
	*age = cs->doc != NULL ? mono_sec() - cs->when : 0;
	return (cs->doc);
}

/* One line for status pages. */
int
camstat_line(struct camstat *cs, char *buf, size_t len)
{
	json_t		*size;
	const char	*state, *cause;
	double		 age;

	if (camstat_get(cs, &age) == NULL)
		return (-1);
	state = json_string_value(json_object_get(cs->doc, "state"));
	cause = json_string_value(json_object_get(cs->doc, "cause"));
	size = json_object_get(cs->doc, "size");
	if (state == NULL)
		return (-1);
	if (cause != NULL)
		snprintf(buf, len, "%s: %s", state, cause);
	else if (json_is_object(size))
		snprintf(buf, len, "%s, %lldx%lld, %.0f fps, %lld viewer%s",
		    state, (long long)json_integer_value(json_object_get(size,
		    "width")), (long long)json_integer_value(json_object_get(
		    size, "height")), json_number_value(json_object_get(cs->doc,
		    "fps")), (long long)json_integer_value(json_object_get(
		    cs->doc, "viewers")), json_integer_value(json_object_get(
		    cs->doc, "viewers")) == 1 ? "" : "s");
	else
		snprintf(buf, len, "%s", state);
	return (0);
}
