/* SPDX-License-Identifier: ISC */
/*
 * onvif_media.c: ONVIF's media service (ver10): a profile per camera,
 * "main" for the default camera and "cam_NAME" for the others, and a
 * second one for a camera whose capd gives a sub-stream (--h264-sub),
 * "sub" and "sub_NAME".  Both of a camera's profiles share its one video
 * source, of the camera's size (the latest frame's, 640x480 before any);
 * each has its H.264 encoder configuration, the sub-stream's of the size
 * and rate its SPS says (h264_http_picture), and its RTSP URI (rtspd's
 * /, /cam/NAME, /sub, /cam/NAME/sub).  The snapshot is the camera's
 * /pi.jpg for both.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "cam.h"
#include "h264_http.h"
#include "jpeg_feed.h"
#include "onvif.h"
#include "onvif_request.h"
#include "web.h"

#define ONVIF_MEDIA_W	640	/* before the camera's first frame */
#define ONVIF_MEDIA_H	480
#define ONVIF_MEDIA_FPS	30

/* A profile as the media service describes it. */
struct onvif_media_cam {
	struct cam	*cam;
	int		 sub;		/* the sub-stream's profile */
	int		 uses;		/* profiles of the camera's source */
	char		 token[CAMNAME_MAX + 5];	/* main, cam_NAME, ... */
	char		 source[CAMNAME_MAX + 5];	/* main, cam_NAME */
	char		 prefix[CAMNAME_MAX + 6];	/* "", /cam/NAME */
	int		 srcw, srch, srcfps;	/* the camera's */
	int		 width, height, fps;	/* the encoder's */
};

/* Fills m for camera c's main or sub profile: 0, or -1 when it has none. */
static int
onvif_media_cam(const struct web *w, struct cam *c, int sub,
    struct onvif_media_cam *m)
{
	struct jpeg_feed_info	 fi;
	int			 sw, sh, sfps, has;

	m->cam = c;
	m->sub = sub;
	if (c == w->cam) {
		snprintf(m->source, sizeof(m->source), "main");
		snprintf(m->token, sizeof(m->token), sub ? "sub" : "main");
		m->prefix[0] = '\0';
	} else {
		snprintf(m->source, sizeof(m->source), "cam_%s", c->name);
		snprintf(m->token, sizeof(m->token), "%s_%s", sub ? "sub" :
		    "cam", c->name);
		snprintf(m->prefix, sizeof(m->prefix), "/cam/%s", c->name);
	}
	jpeg_feed_info(c->feed, &fi);
	m->srcw = fi.width > 0 ? fi.width : ONVIF_MEDIA_W;
	m->srch = fi.height > 0 ? fi.height : ONVIF_MEDIA_H;
	m->srcfps = fi.fps >= 1 ? (int)(fi.fps + 0.5) : ONVIF_MEDIA_FPS;
	has = h264_http_picture(c->h264sub, &sw, &sh, &sfps) == 1;
	m->uses = 1 + has;
	m->width = sub ? sw : m->srcw;
	m->height = sub ? sh : m->srch;
	m->fps = sub && sfps > 0 ? sfps : m->srcfps;
	return (sub && !has ? -1 : 0);
}

/* The profile a token names: 0, or -1. */
static int
onvif_media_find(const struct web *w, const char *token,
    struct onvif_media_cam *m)
{
	int	 i, sub;

	for (i = 0; i < w->ncams; i++)
		for (sub = 0; sub < 2; sub++)
			if (onvif_media_cam(w, w->cams[i], sub, m) == 0 &&
			    strcmp(token, m->token) == 0)
				return (0);
	return (-1);
}

/*
 * Learns the sub-streams an answer to r describes (all of them for a
 * list, the one its token names), starting when start is set: 1 while
 * one is still being learned, else 0.
 */
int
onvif_media_learn(const struct web *w, const struct onvif_request *r,
    int start)
{
	struct onvif_media_cam	 m;
	const char		*a = r->action;
	int			 i, all, busy = 0, x, y, fps;

	all = strcmp(a, "GetProfiles") == 0 ||
	    strcmp(a, "GetVideoEncoderConfigurations") == 0;
	if (!all && strcmp(a, "GetProfile") != 0 &&
	    strcmp(a, "GetStreamUri") != 0 && strcmp(a, "GetSnapshotUri") != 0)
		return (0);
	for (i = 0; i < w->ncams; i++) {
		onvif_media_cam(w, w->cams[i], 1, &m);
		if (!all && strcmp(r->profile, m.token) != 0)
			continue;
		if (start)
			h264_http_learn(w->cams[i]->h264sub);
		if (h264_http_picture(w->cams[i]->h264sub, &x, &y, &fps) == 0)
			busy = 1;
	}
	return (busy);
}

/* A video source configuration. */
static void
onvif_media_vsc(struct evbuffer *b, const struct onvif_media_cam *m)
{
	evbuffer_add_printf(b, "<tt:VideoSourceConfiguration token=\"vsc_%s\">"
	    "<tt:Name>%s</tt:Name><tt:UseCount>%d</tt:UseCount>"
	    "<tt:SourceToken>vs_%s</tt:SourceToken>"
	    "<tt:Bounds x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>"
	    "</tt:VideoSourceConfiguration>", m->source, m->source, m->uses,
	    m->source, m->srcw, m->srch);
}

/* A video encoder configuration named el (with its namespace prefix). */
static void
onvif_media_vec(struct evbuffer *b, const char *el,
    const struct onvif_media_cam *m)
{
	evbuffer_add_printf(b, "<%s token=\"vec_%s\">"
	    "<tt:Name>%s</tt:Name><tt:UseCount>1</tt:UseCount>"
	    "<tt:Encoding>H264</tt:Encoding>"
	    "<tt:Resolution><tt:Width>%d</tt:Width><tt:Height>%d</tt:Height>"
	    "</tt:Resolution><tt:Quality>5</tt:Quality>"
	    "<tt:RateControl><tt:FrameRateLimit>%d</tt:FrameRateLimit>"
	    "<tt:EncodingInterval>1</tt:EncodingInterval>"
	    "<tt:BitrateLimit>4000</tt:BitrateLimit></tt:RateControl>"
	    "<tt:H264><tt:GovLength>%d</tt:GovLength>"
	    "<tt:H264Profile>Main</tt:H264Profile></tt:H264>"
	    "<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type>"
	    "<tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address>"
	    "<tt:Port>0</tt:Port><tt:TTL>1</tt:TTL>"
	    "<tt:AutoStart>false</tt:AutoStart></tt:Multicast>"
	    "<tt:SessionTimeout>PT60S</tt:SessionTimeout></%s>", el, m->token,
	    m->token, m->width, m->height, m->fps, m->fps, el);
}

/* A profile named el: its source and encoder configurations. */
static void
onvif_media_profile(struct evbuffer *b, const char *el,
    const struct onvif_media_cam *m)
{
	evbuffer_add_printf(b, "<%s token=\"%s\" fixed=\"true\">"
	    "<tt:Name>%s</tt:Name>", el, m->token, m->token);
	onvif_media_vsc(b, m);
	onvif_media_vec(b, "tt:VideoEncoderConfiguration", m);
	evbuffer_add_printf(b, "</%s>", el);
}

/* A media URI answer: rtsp:// or http:// for the camera. */
static void
onvif_media_uri(struct onvif_call *c, const char *resp,
    const struct onvif_media_cam *m, int rtsp)
{
	evbuffer_add_printf(c->out, "<trt:%s><trt:MediaUri><tt:Uri>", resp);
	if (rtsp)
		evbuffer_add_printf(c->out, "rtsp://%s:%d%s%s", c->name,
		    c->w->conf->onvif_rtsp_port, m->prefix, m->sub ? "/sub" :
		    m->prefix[0] == '\0' ? "/" : "");
	else
		evbuffer_add_printf(c->out, "http://%s%s/pi.jpg", c->host,
		    m->prefix);
	evbuffer_add_printf(c->out, "</tt:Uri>"
	    "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
	    "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>"
	    "<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:%s>", resp);
}

/* Every profile's item: profiles, sources (a camera's once) or encoder
 * configurations. */
static void
onvif_media_all(struct onvif_call *c, const char *resp, int what)
{
	struct onvif_media_cam	 m;
	int			 i, sub;

	evbuffer_add_printf(c->out, "<trt:%s>", resp);
	for (i = 0; i < c->w->ncams * 2; i++) {
		sub = i % 2;
		if (onvif_media_cam(c->w, c->w->cams[i / 2], sub, &m) == -1 ||
		    (what == 1 && sub))
			continue;
		if (what == 0)
			onvif_media_profile(c->out, "trt:Profiles", &m);
		else if (what == 1)
			evbuffer_add_printf(c->out, "<trt:VideoSources "
			    "token=\"vs_%s\"><tt:Framerate>%d</tt:Framerate>"
			    "<tt:Resolution><tt:Width>%d</tt:Width>"
			    "<tt:Height>%d</tt:Height></tt:Resolution>"
			    "</trt:VideoSources>", m.source, m.srcfps, m.srcw,
			    m.srch);
		else
			onvif_media_vec(c->out, "trt:Configurations", &m);
	}
	evbuffer_add_printf(c->out, "</trt:%s>", resp);
}

/* Answers a media action. */
int
onvif_media_call(struct onvif_call *c)
{
	const char		*a = c->r->action;
	struct onvif_media_cam	 m;

	if (strcmp(a, "GetProfiles") == 0)
		onvif_media_all(c, "GetProfilesResponse", 0);
	else if (strcmp(a, "GetVideoSources") == 0)
		onvif_media_all(c, "GetVideoSourcesResponse", 1);
	else if (strcmp(a, "GetVideoEncoderConfigurations") == 0)
		onvif_media_all(c, "GetVideoEncoderConfigurationsResponse", 2);
	else if (strcmp(a, "GetProfile") != 0 &&
	    strcmp(a, "GetStreamUri") != 0 && strcmp(a, "GetSnapshotUri") != 0)
		return (-1);
	else if (onvif_media_find(c->w, c->r->profile, &m) == -1)
		return (1);
	else if (strcmp(a, "GetProfile") == 0) {
		evbuffer_add_printf(c->out, "<trt:GetProfileResponse>");
		onvif_media_profile(c->out, "trt:Profile", &m);
		evbuffer_add_printf(c->out, "</trt:GetProfileResponse>");
	} else
		onvif_media_uri(c, strcmp(a, "GetStreamUri") == 0 ?
		    "GetStreamUriResponse" : "GetSnapshotUriResponse", &m,
		    strcmp(a, "GetStreamUri") == 0);
	return (0);
}
