/* prom.c: /metrics, the status counters in Prometheus text format. */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "frame.h"

#include "feed.h"
#include "mjpeg.h"
#include "prom.h"
#include "stills.h"
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

/* GET /metrics. */
void
prom_handle(struct web *w, struct evhttp_request *req, const char *query)
{
	static const char	*states[] = { "streaming", "idle", "starting",
				    "error", "capd unreachable" };
	const struct web_stats	*s = &w->stats;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	struct feed_info	 fi;
	char			 l[64];
	size_t			 i;

	if ((b = evbuffer_new()) == NULL) {
		web_reply_text(req, 500, "Internal Server Error", "no memory");
		return;
	}
	feed_info(w->feed, &fi);
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		snprintf(l, sizeof(l), "{state=\"%s\"}", states[i]);
		prom_add(b, "camera_state", "gauge", i == 0 ?
		    "1 for the camera's current state as seen by httpd." : NULL,
		    l, strcmp(fi.state, states[i]) == 0);
	}
	prom_add(b, "capd_subscribed", "gauge",
	    "1 while httpd is subscribed to capd.", "", fi.subscribed);
	prom_add(b, "frames_received_total", "counter",
	    "Frames received from capd.", "", fi.frames);
	prom_add(b, "fps", "gauge", "Measured frames per second from capd.",
	    "", fi.fps);
	prom_add(b, "frame_age_seconds", "gauge",
	    "Seconds since the latest frame arrived (-1: none yet).", "",
	    fi.age);
	prom_add(b, "frame_width", "gauge", "Width of the latest frame.", "",
	    fi.width);
	prom_add(b, "frame_height", "gauge", "Height of the latest frame.",
	    "", fi.height);
	prom_add(b, "capd_reconnects_total", "counter",
	    "Reconnections to capd.", "", fi.reconnects);
	prom_add(b, "capd_outages_total", "counter",
	    "Times capd became unreachable.", "", fi.outages);
	prom_add(b, "clients", "gauge", "Clients by kind.",
	    "{kind=\"stream\"}", mjpeg_clients(w->mjpeg));
	prom_add(b, "clients", "gauge", NULL, "{kind=\"stills_waiting\"}",
	    stills_waiting(w->stills));
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
	prom_add(b, "frames_alive", "gauge", "Frames held in memory.", "",
	    frame_count_alive());
	prom_add(b, "frame_bytes_alive", "gauge",
	    "Bytes of frames held in memory.", "", frame_bytes_alive());
	prom_add(b, "uptime_seconds", "gauge", "Seconds since start.", "",
	    web_uptime(w));
	evhttp_add_header(h, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	web_send(req, 200, "OK", b);
	evbuffer_free(b);
}
