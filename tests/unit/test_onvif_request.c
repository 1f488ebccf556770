/* SPDX-License-Identifier: ISC */
/*
 * test_onvif_request.c: SOAP requests as python3-zeep sends them (its
 * UsernameToken with PasswordDigest, the bytes captured), every
 * truncation of one refused, the scanner's limits, WS-Discovery Probes
 * as ONVIF Device Manager and python's WSDiscovery send them, and the
 * PasswordDigest check.
 */
#include <stdio.h>
#include <string.h>

#include "auth_wsse.h"
#include "httpd/onvif_request.h"
#include "test.h"

/* python3-zeep 4.2.1: GetStreamUri for profile "main" with a
 * UsernameToken (user nvr, nonce "0123456789abcdef"). */
static const char zeep_stream[] =
	    "<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xm"
	    "lns:soap-env=\"http://www.w3.org/2003/05/soap-envelope\"><soap"
	    "-env:Header><wsse:Security xmlns:wsse=\"http://docs.oasis-ope"
	    "n.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	    "\"><wsse:UsernameToken><wsse:Username>nvr</wsse:Username><wss"
	    "e:Password Type=\"http://docs.oasis-open.org/wss/2004/01/oasi"
	    "s-200401-wss-username-token-profile-1.0#PasswordDigest\">fLK7"
	    "+haVVKvJYzv9RCS2qEfQbJQ=</wsse:Password><wsse:Nonce Encoding"
	    "Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-ws"
	    "s-soap-message-security-1.0#Base64Binary\">MDEyMzQ1Njc4OWFiY2"
	    "RlZg==</wsse:Nonce><wsu:Created xmlns:wsu=\"http://docs.oasis"
	    "-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1."
	    "0.xsd\">2026-12-07T06:13:53+00:00</wsu:Created></wsse:Usernam"
	    "eToken></wsse:Security></soap-env:Header><soap-env:Body><ns0"
	    ":GetStreamUri xmlns:ns0=\"http://www.onvif.org/ver10/media/ws"
	    "dl\"><ns0:StreamSetup><ns1:Stream xmlns:ns1=\"http://www.onvif"
	    ".org/ver10/schema\">RTP-Unicast</ns1:Stream><ns1:Transport xm"
	    "lns:ns1=\"http://www.onvif.org/ver10/schema\"><ns1:Protocol>RT"
	    "SP</ns1:Protocol></ns1:Transport></ns0:StreamSetup><ns0:Prof"
	    "ileToken>main</ns0:ProfileToken></ns0:GetStreamUri></soap-en"
	    "v:Body></soap-env:Envelope>";

/* python3-zeep's GetStreamUri: the action, profile and token. */
static void
test_zeep_stream_uri(void)
{
	struct onvif_request	 r;
	char			 cause[128];

	CHECK_EQ(strlen(zeep_stream), 1227);
	CHECK_EQ(onvif_request_parse(zeep_stream, strlen(zeep_stream), &r,
	    cause, sizeof(cause)), 0);
	CHECK(strcmp(r.action, "GetStreamUri") == 0);
	CHECK(strcmp(r.profile, "main") == 0);
	CHECK_EQ(r.has_token, 1);
	CHECK(strcmp(r.username, "nvr") == 0);
	CHECK_EQ(r.password_digest, 1);
	CHECK(strcmp(r.password, "fLK7+haVVKvJYzv9RCS2qEfQbJQ=") == 0);
	CHECK(strcmp(r.nonce, "MDEyMzQ1Njc4OWFiY2RlZg==") == 0);
	CHECK(strcmp(r.created, "2026-12-07T06:13:53+00:00") == 0);
}

/* Every proper prefix of the request is refused, never read as whole. */
static void
test_truncations(void)
{
	struct onvif_request	 r;
	char			 cause[128];
	size_t			 n, len = strlen(zeep_stream);
	int			 bad = 0;

	for (n = 0; n < len; n++) {
		cause[0] = '\0';
		if (onvif_request_parse(zeep_stream, n, &r, cause,
		    sizeof(cause)) != -1 || cause[0] == '\0')
			bad++;
	}
	CHECK_EQ(bad, 0);
	/* The whole, with a trailing newline, is fine. */
	CHECK_EQ(onvif_request_parse(zeep_stream, len, &r, cause,
	    sizeof(cause)), 0);
}

/* zeep's digest checks with the password, within 5 minutes only. */
static void
test_digest(void)
{
	char	 d[AUTH_WSSE_DIGEST_LEN + 1];
	int64_t	 t = 0, now = 1796624033;

	CHECK_EQ(auth_wsse_digest("MDEyMzQ1Njc4OWFiY2RlZg==",
	    "2026-12-07T06:13:53+00:00", "hfSMj3CSXqdtZwCCh8wc", d), 0);
	CHECK(strcmp(d, "fLK7+haVVKvJYzv9RCS2qEfQbJQ=") == 0);
	CHECK_EQ(auth_wsse_time("2026-12-07T06:13:53+00:00", &t), 0);
	CHECK_EQ(t, now);
	CHECK_EQ(auth_wsse_time("2026-12-07T06:13:53.123Z", &t), 0);
	CHECK_EQ(t, now);
	CHECK_EQ(auth_wsse_time("2026-12-07T08:13:53+02:00", &t), 0);
	CHECK_EQ(t, now);
	CHECK_EQ(auth_wsse_time("2026-12-07 06:13:53Z", &t), -1);
	CHECK_EQ(auth_wsse_time("2026-12-07T06:13:53", &t), -1);
	CHECK_EQ(auth_wsse_check("fLK7+haVVKvJYzv9RCS2qEfQbJQ=",
	    "MDEyMzQ1Njc4OWFiY2RlZg==", "2026-12-07T06:13:53+00:00",
	    "hfSMj3CSXqdtZwCCh8wc", now + 300, 300), AUTH_WSSE_OK);
	CHECK_EQ(auth_wsse_check("fLK7+haVVKvJYzv9RCS2qEfQbJQ=",
	    "MDEyMzQ1Njc4OWFiY2RlZg==", "2026-12-07T06:13:53+00:00",
	    "hfSMj3CSXqdtZwCCh8wc", now - 301, 300), AUTH_WSSE_TIME);
	CHECK_EQ(auth_wsse_check("fLK7+haVVKvJYzv9RCS2qEfQbJQ=",
	    "MDEyMzQ1Njc4OWFiY2RlZg==", "2026-12-07T06:13:53+00:00",
	    "hfSMj3CSXqdtZwCCh8wX", now, 300), AUTH_WSSE_WRONG);
	CHECK_EQ(auth_wsse_check("fLK7+haVVKvJYzv9RCS2qEfQbJQ=",
	    "MDEyMzQ1Njc4OWFiY2RlZg=", "2026-12-07T06:13:53+00:00",
	    "hfSMj3CSXqdtZwCCh8wc", now, 300), AUTH_WSSE_WRONG);
	CHECK_EQ(auth_wsse_check("", "MDEyMzQ1Njc4OWFiY2RlZg==",
	    "2026-12-07T06:13:53+00:00", "hfSMj3CSXqdtZwCCh8wc", now, 300),
	    AUTH_WSSE_WRONG);
}

/* A request without a token, default namespace, white space, escapes. */
static void
test_plain(void)
{
	static const char s[] =
	    "<?xml version=\"1.0\"?>\r\n<Envelope xmlns="
	    "\"http://www.w3.org/2003/05/soap-envelope\">\r\n  <Body>\r\n"
	    "    <GetSnapshotUri xmlns=\"http://www.onvif.org/ver10/media/"
	    "wsdl\"><ProfileToken> cam_&#98;ack&amp; </ProfileToken>"
	    "</GetSnapshotUri>\r\n  </Body>\r\n</Envelope>\r\n";
	struct onvif_request	 r;
	char			 cause[128];

	CHECK_EQ(onvif_request_parse(s, strlen(s), &r, cause, sizeof(cause)),
	    0);
	CHECK(strcmp(r.action, "GetSnapshotUri") == 0);
	CHECK(strcmp(r.profile, "cam_back&") == 0);
	CHECK_EQ(r.has_token, 0);
}

/* Refused: DOCTYPE and entities, depth, size, other roots, mismatches. */
static void
test_refused(void)
{
	static const char *bad[] = {
		"<!DOCTYPE x [<!ENTITY a \"b\">]><s:Envelope><s:Body><a/>"
		    "</s:Body></s:Envelope>",
		"<s:Envelope><s:Body><!-- c --><a/></s:Body></s:Envelope>",
		"<s:Envelope><s:Body><a/></s:Body></s:Envelop>",
		"<s:Envelope><s:Body></s:Body></s:Envelope>",
		"<x:Other><s:Body><a/></s:Body></x:Other>",
		"<s:Envelope><s:Body><a/></s:Body></s:Envelope><b/>",
		"<s:Envelope><s:Body><a/></s:Body></s:Envelope>x",
		"<s:Envelope><s:Body><a><ProfileToken>&foo;</ProfileToken>"
		    "</a></s:Body></s:Envelope>",
		"<s:Envelope><s:Body><a b=\"c></a></s:Body></s:Envelope>",
		"<s:Envelope><s:Body><1a/></s:Body></s:Envelope>",
	};
	struct onvif_request	 r;
	char			 buf[ONVIF_REQUEST_MAX + 2], cause[128];
	size_t			 i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause[0] = '\0';
		CHECK_EQ(onvif_request_parse(bad[i], strlen(bad[i]), &r,
		    cause, sizeof(cause)), -1);
		CHECK(cause[0] != '\0');
	}
	/* 32 levels pass, 33 do not. */
	for (n = 0; n < 2; n++) {
		strcpy(buf, "<s:Envelope><s:Body><a>");
		for (i = 0; i < 29 + n; i++)
			strcat(buf, "<b>");
		for (i = 0; i < 29 + n; i++)
			strcat(buf, "</b>");
		strcat(buf, "</a></s:Body></s:Envelope>");
		CHECK_EQ(onvif_request_parse(buf, strlen(buf), &r, cause,
		    sizeof(cause)), n == 0 ? 0 : -1);
	}
	/* 64 KiB pass, one byte more does not. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "<s:Envelope><s:Body><a/></s:Body></s:Envelope>", 46);
	CHECK_EQ(onvif_request_parse(buf, ONVIF_REQUEST_MAX, &r, cause,
	    sizeof(cause)), 0);
	CHECK_EQ(onvif_request_parse(buf, ONVIF_REQUEST_MAX + 1, &r, cause,
	    sizeof(cause)), -1);
	/* A field too long for its buffer. */
	strcpy(buf, "<s:Envelope><s:Body><a><ProfileToken>");
	for (i = 0; i < 70; i++)
		strcat(buf, "x");
	strcat(buf, "</ProfileToken></a></s:Body></s:Envelope>");
	CHECK_EQ(onvif_request_parse(buf, strlen(buf), &r, cause,
	    sizeof(cause)), -1);
}

/* ONVIF Device Manager's Probe: default namespaces, tds:Device. */
static void
test_probe_odm(void)
{
	static const char s[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<Envelope xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "
	    "xmlns=\"http://www.w3.org/2003/05/soap-envelope\"><Header>"
	    "<wsa:MessageID xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/"
	    "08/addressing\">uuid:0a6dc791-2be6-4991-9af1-454778a1917a"
	    "</wsa:MessageID><wsa:To xmlns:wsa=\"http://schemas.xmlsoap.org/"
	    "ws/2004/08/addressing\">urn:schemas-xmlsoap-org:ws:2005:04:"
	    "discovery</wsa:To><wsa:Action xmlns:wsa=\"http://schemas."
	    "xmlsoap.org/ws/2004/08/addressing\">http://schemas.xmlsoap.org/"
	    "ws/2005/04/discovery/Probe</wsa:Action></Header><Body><Probe "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"http://"
	    "schemas.xmlsoap.org/ws/2005/04/discovery\"><Types>tds:Device"
	    "</Types><Scopes /></Probe></Body></Envelope>";
	struct onvif_probe	 p;
	char			 cause[128];

	CHECK_EQ(onvif_probe_parse(s, strlen(s), &p, cause, sizeof(cause)), 0);
	CHECK(strcmp(p.message_id,
	    "uuid:0a6dc791-2be6-4991-9af1-454778a1917a") == 0);
	CHECK(strcmp(p.types, "tds:Device") == 0);
	CHECK_EQ(p.wanted, 1);
}

/* WSDiscovery's Probe (Home Assistant), others' types, no types. */
static void
test_probe_types(void)
{
	static const char head[] = "<?xml version=\"1.0\" ?><s:Envelope "
	    "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
	    "xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
	    "xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header>"
	    "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
	    "</a:Action><a:MessageID>urn:uuid:e3b3e7d4-9b1e-4c4b-8d0b-"
	    "6f6a8c1c2d3e</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:"
	    "04:discovery</a:To></s:Header><s:Body><d:Probe>";
	static const struct { const char *mid; int wanted; } t[] = {
		{ "<d:Types xmlns:dp0=\"http://www.onvif.org/ver10/network/"
		    "wsdl\">dp0:NetworkVideoTransmitter</d:Types>", 1 },
		{ "<d:Types>wsdp:Device</d:Types>", 1 },
		{ "<d:Types>pub:Computer  wsdp:Printer</d:Types>", 0 },
		{ "", 1 },
	};
	struct onvif_probe	 p;
	char			 s[2048], cause[128];
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(s, sizeof(s), "%s%s</d:Probe></s:Body></s:Envelope>",
		    head, t[i].mid);
		CHECK_EQ(onvif_probe_parse(s, strlen(s), &p, cause,
		    sizeof(cause)), 0);
		CHECK_EQ(p.wanted, t[i].wanted);
		CHECK(strcmp(p.message_id, "urn:uuid:e3b3e7d4-9b1e-4c4b-8d0b-"
		    "6f6a8c1c2d3e") == 0);
	}
	/* A Hello is not a Probe. */
	snprintf(s, sizeof(s), "%s", head);
	memcpy(strstr(s, "<d:Probe>"), "<d:Hello/>", 10);
	strcat(s, "</s:Body></s:Envelope>");
	CHECK_EQ(onvif_probe_parse(s, strlen(s), &p, cause, sizeof(cause)),
	    -1);
}

int
main(void)
{
	RUN(test_zeep_stream_uri);
	RUN(test_truncations);
	RUN(test_digest);
	RUN(test_plain);
	RUN(test_refused);
	RUN(test_probe_odm);
	RUN(test_probe_types);
	return (TEST_DONE("onvif_request"));
}
