/* SPDX-License-Identifier: ISC */
/*
 * onvif.c: the ONVIF services' entry point and the device service: reads
 * a POSTed SOAP request (onvif_request.c), checks its WS-UsernameToken
 * with the auth gate (held on failures like a wrong Basic password),
 * answers a device action here or a media one (onvif_media.c), and
 * answers anything else with a SOAP fault.  A media answer that describes
 * a sub-stream whose picture is being learned waits for it, looked at
 * every ONVIF_WAIT_STEP_MS.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include <openssl/sha.h>

#include "auth_gate.h"
#include "h264_http.h"
#include "http_host.h"
#include "mono.h"
#include "onvif.h"
#include "onvif_request.h"
#include "reply.h"
#include "web.h"
#include "version.h"

#define ONVIF_ENV_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" " \
	"xmlns:tds=\"" ONVIF_NS_DEVICE "\" xmlns:trt=\"" ONVIF_NS_MEDIA "\" " \
	"xmlns:tt=\"http://www.onvif.org/ver10/schema\" " \
	"xmlns:ter=\"http://www.onvif.org/ver10/error\"><s:Body>"
#define ONVIF_ENV_TAIL	"</s:Body></s:Envelope>\n"

#define ONVIF_WAIT_STEP_MS	20
/* Beyond the learning's own deadline, which ends it first. */
#define ONVIF_WAIT_MS		(H264_HTTP_LEARN_MS + 500)

/* A request whose answer waits for a sub-stream's picture. */
struct onvif_wait {
	TAILQ_ENTRY(onvif_wait)	 entry;
	struct onvif		*o;
	struct evhttp_request	*req;
	struct onvif_request	 r;
	struct event		*ev;
	double			 until;
};

struct onvif {
	struct web	*w;
	TAILQ_HEAD(, onvif_wait) waits;
	char		 uuid[37];	/* stable across restarts */
	char		 serial[17];
	char		 hardware[65];
};

/* Makes the stable id: SHA-256 of the machine id, as a UUID. */
static void
onvif_make_id(struct onvif *o)
{
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 id[256] = "";
	FILE		*f;
	size_t		 n = 0;

	if ((f = fopen("/etc/machine-id", "r")) != NULL) {
		n = fread(id, 1, sizeof(id) - 1, f);
		fclose(f);
	}
	id[n] = '\0';
	if (n == 0)
		gethostname(id, sizeof(id) - 1);
	strncat(id, ":campipe-onvif", sizeof(id) - strlen(id) - 1);
	SHA256((const unsigned char *)id, strlen(id), md);
	md[6] = (md[6] & 0x0f) | 0x50;	/* a name-based UUID */
	md[8] = (md[8] & 0x3f) | 0x80;
	snprintf(o->uuid, sizeof(o->uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3],
	    md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
	    md[13], md[14], md[15]);
	snprintf(o->serial, sizeof(o->serial), "%.8s%.4s%.4s", o->uuid,
	    o->uuid + 9, o->uuid + 14);
}

/* Makes the services. */
struct onvif *
onvif_new(struct web *w)
{
	struct onvif	*o;
	struct utsname	 u;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (NULL);
	o->w = w;
	TAILQ_INIT(&o->waits);
	onvif_make_id(o);
	snprintf(o->hardware, sizeof(o->hardware), "%s",
	    uname(&u) == 0 ? u.machine : "unknown");
	return (o);
}

/* Ends a wait, its request left to its connection. */
static void
onvif_wait_end(struct onvif_wait *ow)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(
	    ow->req);

	if (evcon != NULL)
		evhttp_connection_set_closecb(evcon, NULL, NULL);
	TAILQ_REMOVE(&ow->o->waits, ow, entry);
	event_free(ow->ev);
	free(ow);
}

/* Frees the services; waiting requests go unanswered. */
void
onvif_free(struct onvif *o)
{
	if (o == NULL)
		return;
	while (!TAILQ_EMPTY(&o->waits))
		onvif_wait_end(TAILQ_FIRST(&o->waits));
	free(o);
}

/* The device's id. */
const char *
onvif_uuid(const struct onvif *o)
{
	return (o->uuid);
}

/* True for a service path. */
int
onvif_path(const char *path)
{
	return (strcmp(path, "/onvif/device_service") == 0 ||
	    strcmp(path, "/onvif/media_service") == 0);
}

/* Writes s XML-escaped. */
void
onvif_esc(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			evbuffer_add(b, "&lt;", 4);
		else if (*s == '>')
			evbuffer_add(b, "&gt;", 4);
		else if (*s == '&')
			evbuffer_add(b, "&amp;", 5);
		else if (*s == '"')
			evbuffer_add(b, "&quot;", 6);
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			evbuffer_add(b, s, 1);
	}
}

/* Sends the envelope around body (or a fault) with code. */
static void
onvif_send(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	evbuffer_add(b, ONVIF_ENV_HEAD, strlen(ONVIF_ENV_HEAD));
	evbuffer_add_buffer(b, body);
	evbuffer_add(b, ONVIF_ENV_TAIL, strlen(ONVIF_ENV_TAIL));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/soap+xml; charset=utf-8");
	reply_send(req, code, reason, b);
	evbuffer_free(b);
}

/*
 * Answers a SOAP fault: code s:Sender (HTTP 400) or s:Receiver (500), its
 * ter: subcode, an optional second one, and the reason.
 */
static void
onvif_fault(struct evhttp_request *req, int sender, const char *sub,
    const char *sub2, const char *text)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	evbuffer_add_printf(b, "<s:Fault><s:Code><s:Value>%s</s:Value>"
	    "<s:Subcode><s:Value>ter:%s</s:Value>", sender ? "s:Sender" :
	    "s:Receiver", sub);
	if (sub2 != NULL)
		evbuffer_add_printf(b, "<s:Subcode><s:Value>ter:%s</s:Value>"
		    "</s:Subcode>", sub2);
	evbuffer_add_printf(b, "</s:Subcode></s:Code><s:Reason>"
	    "<s:Text xml:lang=\"en\">");
	onvif_esc(b, text);
	evbuffer_add_printf(b, "</s:Text></s:Reason></s:Fault>");
	if (sender)
		onvif_send(req, 400, "Bad Request", b);
	else
		onvif_send(req, 500, "Internal Server Error", b);
	evbuffer_free(b);
}

/* The host clients reached: the Host header, or the local address. */
static int
onvif_host(struct evhttp_request *req, struct onvif_call *c)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent	*bev;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const char		*h;
	char			 addr[NI_MAXHOST], port[NI_MAXSERV];
	int			 p;

	h = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
	if (h != NULL && strlen(h) < sizeof(c->host))
		snprintf(c->host, sizeof(c->host), "%s", h);
	else if (evcon != NULL && (bev = evhttp_connection_get_bufferevent(
	    evcon)) != NULL && getsockname(bufferevent_getfd(bev),
	    (struct sockaddr *)&ss, &sl) == 0 && getnameinfo(
	    (struct sockaddr *)&ss, sl, addr, sizeof(addr), port,
	    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(c->host, sizeof(c->host), ss.ss_family == AF_INET6 ?
		    "[%s]:%s" : "%s:%s", addr, port);
	else
		return (-1);
	return (http_host_split(c->host, c->name, sizeof(c->name), &p));
}

/* The XAddr of service (device, media). */
static void
onvif_xaddr(struct onvif_call *c, const char *service)
{
	evbuffer_add_printf(c->out, "http://%s/onvif/%s_service", c->host,
	    service);
}

/* GetSystemDateAndTime: UTC. */
static void
onvif_date(struct onvif_call *c)
{
	struct tm	 tm;
	time_t		 now = time(NULL);

	gmtime_r(&now, &tm);
	evbuffer_add_printf(c->out, "<tds:GetSystemDateAndTimeResponse>"
	    "<tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
	    "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone>"
	    "<tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time>"
	    "<tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d"
	    "</tt:Second></tt:Time><tt:Date><tt:Year>%d</tt:Year><tt:Month>%d"
	    "</tt:Month><tt:Day>%d</tt:Day></tt:Date></tt:UTCDateTime>"
	    "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>",
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* GetCapabilities: the device and media XAddrs, RTSP over TCP. */
static void
onvif_capabilities(struct onvif_call *c)
{
	evbuffer_add_printf(c->out, "<tds:GetCapabilitiesResponse>"
	    "<tds:Capabilities><tt:Device><tt:XAddr>");
	onvif_xaddr(c, "device");
	evbuffer_add_printf(c->out, "</tt:XAddr></tt:Device><tt:Media>"
	    "<tt:XAddr>");
	onvif_xaddr(c, "media");
	evbuffer_add_printf(c->out, "</tt:XAddr><tt:StreamingCapabilities>"
	    "<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true"
	    "</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>"
	    "</tt:StreamingCapabilities></tt:Media></tds:Capabilities>"
	    "</tds:GetCapabilitiesResponse>");
}

/* GetServices: the device and media services. */
static void
onvif_services(struct onvif_call *c)
{
	static const struct { const char *ns, *name; } s[] = {
		{ ONVIF_NS_DEVICE, "device" }, { ONVIF_NS_MEDIA, "media" },
	};
	size_t	 i;

	evbuffer_add_printf(c->out, "<tds:GetServicesResponse>");
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		evbuffer_add_printf(c->out, "<tds:Service><tds:Namespace>%s"
		    "</tds:Namespace><tds:XAddr>", s[i].ns);
		onvif_xaddr(c, s[i].name);
		evbuffer_add_printf(c->out, "</tds:XAddr><tds:Version>"
		    "<tt:Major>2</tt:Major><tt:Minor>5</tt:Minor>"
		    "</tds:Version></tds:Service>");
	}
	evbuffer_add_printf(c->out, "</tds:GetServicesResponse>");
}

/* GetScopes: Profile S, a video encoder, campipe's name and hardware. */
static void
onvif_scopes(struct onvif *o, struct onvif_call *c)
{
	static const char *scopes[] = {
		"onvif://www.onvif.org/Profile/Streaming",
		"onvif://www.onvif.org/type/video_encoder",
		"onvif://www.onvif.org/name/campipe",
		"onvif://www.onvif.org/hardware/",
	};
	size_t	 i;

	evbuffer_add_printf(c->out, "<tds:GetScopesResponse>");
	for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		evbuffer_add_printf(c->out, "<tds:Scopes><tt:ScopeDef>Fixed"
		    "</tt:ScopeDef><tt:ScopeItem>%s%s</tt:ScopeItem>"
		    "</tds:Scopes>", scopes[i], i == 3 ? o->hardware : "");
	evbuffer_add_printf(c->out, "</tds:GetScopesResponse>");
}

/* Answers a device action: 0, or -1 when it is not one. */
static int
onvif_device_call(struct onvif *o, struct onvif_call *c)
{
	const char	*a = c->r->action;

	if (strcmp(a, "GetDeviceInformation") == 0)
		evbuffer_add_printf(c->out, "<tds:GetDeviceInformationResponse>"
		    "<tds:Manufacturer>campipe</tds:Manufacturer>"
		    "<tds:Model>campipe-httpd</tds:Model>"
		    "<tds:FirmwareVersion>%s</tds:FirmwareVersion>"
		    "<tds:SerialNumber>%s</tds:SerialNumber>"
		    "<tds:HardwareId>%s</tds:HardwareId>"
		    "</tds:GetDeviceInformationResponse>", CAMPIPE_VERSION,
		    o->serial, o->hardware);
	else if (strcmp(a, "GetSystemDateAndTime") == 0)
		onvif_date(c);
	else if (strcmp(a, "GetCapabilities") == 0)
		onvif_capabilities(c);
	else if (strcmp(a, "GetServices") == 0)
		onvif_services(c);
	else if (strcmp(a, "GetScopes") == 0)
		onvif_scopes(o, c);
	else
		return (-1);
	return (0);
}

/*
 * The calls answered before authentication, as ONVIF's PRE_AUTH access
 * class has them: a client reads the clock (to make its Created) and the
 * service addresses before it sends a token.
 */
static int
onvif_pre_auth(const char *action)
{
	return (strcmp(action, "GetSystemDateAndTime") == 0 ||
	    strcmp(action, "GetCapabilities") == 0 ||
	    strcmp(action, "GetServices") == 0);
}

/* Checks the token: 0 to go on; else answered or held. */
static int
onvif_authorize(struct onvif *o, struct evhttp_request *req,
    const struct onvif_request *r)
{
	char	 cause[256];
	int	 v;

	if (!auth_gate_nvr(o->w->gate) || onvif_pre_auth(r->action))
		return (0);
	if (!r->has_token || !r->password_digest) {
		onvif_fault(req, 1, "NotAuthorized", NULL, !r->has_token ?
		    "a WS-Security UsernameToken is required" :
		    "only PasswordDigest is accepted");
		return (1);
	}
	if ((v = auth_gate_wsse(o->w->gate, req, r->username, r->password,
	    r->nonce, r->created, cause, sizeof(cause))) == 0)
		return (0);
	if (v == -1)
		onvif_fault(req, 1, "NotAuthorized", NULL, "sender not "
		    "authorized");
	return (1);
}

/* Answers a parsed, authorized request. */
static void
onvif_answer(struct onvif *o, struct evhttp_request *req,
    const struct onvif_request *r)
{
	struct onvif_call	 c;
	int			 v = -1;

	memset(&c, 0, sizeof(c));
	c.w = o->w;
	c.r = r;
	if (onvif_host(req, &c) == -1) {
		onvif_fault(req, 1, "InvalidArgVal", NULL, "no usable Host");
		return;
	}
	if ((c.out = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	if (onvif_device_call(o, &c) == 0 || (v = onvif_media_call(&c)) == 0)
		onvif_send(req, 200, "OK", c.out);
	else if (v == 1)
		onvif_fault(req, 1, "InvalidArgVal", "NoProfile",
		    "no such profile");
	else
		onvif_fault(req, 0, "ActionNotSupported", NULL,
		    "action not supported");
	evbuffer_free(c.out);
}

/* The client left while its answer waited. */
static void
onvif_wait_on_close(struct evhttp_connection *evcon, void *arg)
{
	struct onvif_wait	*ow = arg;
	struct evhttp_request	*req = ow->req;

	onvif_wait_end(ow);
	reply_release(req);
}

/* Looks again: answers once nothing is learned any more, or at the end. */
static void
onvif_wait_on_step(evutil_socket_t fd, short what, void *arg)
{
	struct onvif_wait	*ow = arg;
	struct onvif		*o = ow->o;
	struct evhttp_request	*req = ow->req;
	struct onvif_request	 r = ow->r;

	if (onvif_media_learn(o->w, &r, 0) == 1 && mono_sec() < ow->until)
		return;
	onvif_wait_end(ow);
	onvif_answer(o, req, &r);
}

/* Holds the request until its answer can be given: 0, or -1 (ENOMEM). */
static int
onvif_wait(struct onvif *o, struct evhttp_request *req,
    const struct onvif_request *r)
{
	struct timeval		 tv = { 0, ONVIF_WAIT_STEP_MS * 1000 };
	struct onvif_wait	*ow;

	if ((ow = calloc(1, sizeof(*ow))) == NULL)
		return (-1);
	if ((ow->ev = event_new(o->w->base, -1, EV_PERSIST,
	    onvif_wait_on_step, ow)) == NULL) {
		free(ow);
		return (-1);
	}
	ow->o = o;
	ow->req = req;
	ow->r = *r;
	ow->until = mono_sec() + ONVIF_WAIT_MS / 1000.0;
	TAILQ_INSERT_TAIL(&o->waits, ow, entry);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    onvif_wait_on_close, ow);
	evtimer_add(ow->ev, &tv);
	return (0);
}

/* A POST to a service. */
void
onvif_handle(struct onvif *o, struct evhttp_request *req)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct onvif_request	 r;
	char			 cause[256];
	size_t			 len = evbuffer_get_length(in);
	const char		*body;

	/* Over the limit, the reader refuses it on its length alone. */
	if (len > ONVIF_REQUEST_MAX || (body = (const char *)evbuffer_pullup(
	    in, -1)) == NULL) {
		body = "";
		len = len > ONVIF_REQUEST_MAX ? len : 0;
	}
	if (onvif_request_parse(body, len, &r, cause, sizeof(cause)) == -1) {
		onvif_fault(req, 1, "WellFormed", NULL, cause);
		return;
	}
	if (onvif_authorize(o, req, &r) != 0)
		return;
	if (onvif_media_learn(o->w, &r, 1) == 0 || onvif_wait(o, req, &r) == -1)
		onvif_answer(o, req, &r);
}