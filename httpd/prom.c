/* SPDX-License-Identifier: ISC */
/* prom.c: /metrics, the status counters in Prometheus text format. */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "frame.h"

#include "cam.h"
#include "clients.h"
#include "jpeg_feed.h"
#include "prom.h"
#include "reply.h"
#include "web.h"

/* Appends one metric: HELP, TYPE and the sample (labels may be ""). */
static void
prom_add(struct evbuffer *b, const char *name, const char *type,
    const char *help, const char *labels, double v)
{
	if (help != NULL)
		evbuffer_add_printf(b, "# HELP campipe_httpd_%s %s\n"
		    "# TYPE campipe_httpd_%s %s\n", name, help, name, type);
	evbuffer_add_printf(b, "campipe_httpd_%s%s %.17g\n", name, labels, v);
}

/* Appends the series of every camera, labelled camera="NAME". */
static void
prom_cameras(struct web *w, struct evbuffer *b)
{
	static const char	*states[] = { "streaming", "idle", "starting",
				    "error", "capd unreachable" };
	static const struct prom_series {
		const char	*name, *type, *help;
	} series[] = {
		{ "capd_subscribed", "gauge",
		    "1 while httpd is subscribed to the camera's capd." },
		{ "frames_received_total", "counter",
		    "Frames received from capd." },
		{ "fps", "gauge", "Measured frames per second from capd." },
		{ "frame_age_seconds", "gauge",
		    "Seconds since the latest frame arrived (-1: none yet)." },
		{ "frame_width", "gauge", "Width of the latest frame." },
		{ "frame_height", "gauge", "Height of the latest frame." },
		{ "capd_reconnects_total", "counter",
		    "Reconnections to capd." },
		{ "capd_outages_total", "counter",
		    "Times capd became unreachable." },
		{ "clients", "gauge", "Clients by camera and kind." },
		{ "clients", "gauge", NULL },
		{ "h264_clients", "gauge", "H.264 stream clients (/stream.h264, "
		    "/stream.mp4), counted in clients{kind=\"stream\"} too." },
	};
	struct jpeg_feed_info	 fi;
	char			 l[128];
	double			 v = 0;
	size_t			 i;
	int			 k;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		for (k = 0; k < w->ncams; k++) {
			jpeg_feed_info(w->cams[k]->feed, &fi);
			snprintf(l, sizeof(l), "{camera=\"%s\",state=\"%s\"}",
			    w->cams[k]->name, states[i]);
			prom_add(b, "camera_state", "gauge", i == 0 && k == 0 ?
			    "1 for each camera's current state as seen by "
			    "httpd." : NULL, l, strcmp(fi.state, states[i]) == 0);
		}
	for (i = 0; i < sizeof(series) / sizeof(series[0]); i++)
		for (k = 0; k < w->ncams; k++) {
			struct cam	*c = w->cams[k];

			jpeg_feed_info(c->feed, &fi);
			snprintf(l, sizeof(l), "{camera=\"%s\"}", c->name);
			switch (i) {
			case 0: v = fi.subscribed; break;
			case 1: v = fi.frames; break;
			case 2: v = fi.fps; break;
			case 3: v = fi.age; break;
			case 4: v = fi.width; break;
			case 5: v = fi.height; break;
			case 6: v = fi.reconnects; break;
			case 7: v = fi.outages; break;
			case 8:
				snprintf(l, sizeof(l), "{camera=\"%s\","
				    "kind=\"stream\"}", c->name);
				v = clients_streams(c);
				break;
			case 9:
				snprintf(l, sizeof(l), "{camera=\"%s\","
				    "kind=\"stills_waiting\"}", c->name);
				v = clients_stills(c);
				break;
			case 10:
				v = clients_h264(c);
				break;
			}
			prom_add(b, series[i].name, series[i].type,
			    k == 0 ? series[i].help : NULL, l, v);
		}
}

/* GET /metrics. */
void
prom_handle(struct web *w, struct evhttp_request *req, const char *query)
{
	const struct web_stats	*s = &w->stats;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;

	if ((b = evbuffer_new()) == NULL) {
		reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	prom_cameras(w, b);
	prom_add(b, "stills_total", "counter", "Still requests by result.",
	    "{result=\"served\"}", s->stills_served);
	prom_add(b, "stills_total", "counter", NULL, "{result=\"failed\"}",
	    s->stills_failed);
	prom_add(b, "stream_frames_total", "counter",
	    "Frames queued to stream clients.", "", s->stream_frames);
	prom_add(b, "stream_skipped_total", "counter",
	    "Frames stream clients skipped (latest frame wins).", "",
	    s->stream_skipped);
	prom_add(b, "stream_clients_total", "counter",
	    "Stream clients ever connected.", "", s->streams_total);
	prom_add(b, "bytes_sent_total", "counter", "Body bytes sent by kind.",
	    "{kind=\"stills\"}", s->bytes_stills);
	prom_add(b, "bytes_sent_total", "counter", NULL, "{kind=\"stream\"}",
	    s->bytes_stream);
	prom_add(b, "bytes_sent_total", "counter", NULL, "{kind=\"files\"}",
	    s->bytes_files);
	prom_add(b, "requests_total", "counter", "HTTP requests received.",
	    "", s->requests);
	prom_add(b, "refused_total", "counter",
	    "Requests refused by --max-clients.", "", s->refused);
	prom_add(b, "refused_per_addr_total", "counter",
	    "Requests refused by --max-clients-per-addr.", "",
	    s->refused_addr);
	prom_add(b, "frames_alive", "gauge", "Frames held in memory.", "",
	    frame_count_alive());
	prom_add(b, "frame_bytes_alive", "gauge",
	    "Bytes of frames held in memory.", "", frame_bytes_alive());
	prom_add(b, "uptime_seconds", "gauge", "Seconds since start.", "",
	    web_uptime(w));
	evhttp_add_header(h, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	reply_send(req, 200, "OK", b);
	evbuffer_free(b);
}
