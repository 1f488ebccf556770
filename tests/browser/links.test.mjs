// SPDX-License-Identifier: ISC
// links.test.mjs: the "Use elsewhere" addresses and snippets under node:test,
// with exact strings, at the root, under a camera and behind a proxy prefix.
import assert from 'node:assert/strict';
import test from 'node:test';
import { cameraLinks, cameraSnippets, rtspUrl } from '../../www/links.js';

const root = { raw: { still: '/pi.jpg', camera: 'default', h264: true,
    rtsp_port: 8554 }, auth: false };
const door = { raw: { still: '/cam/door/pi.jpg', camera: 'door', h264: false,
    rtsp_port: 8554 }, auth: true };

test('addresses at the root', () => {
	assert.deepEqual(cameraLinks(root, 'http://pi.local:8080/'), [
		{ label: 'Still picture', url: 'http://pi.local:8080/pi.jpg' },
		{ label: 'MJPEG stream', url: 'http://pi.local:8080/stream.mjpg' },
		{ label: 'H.264 in MP4', url: 'http://pi.local:8080/stream.mp4' },
		{ label: 'H.264 (Annex B)', url: 'http://pi.local:8080/stream.h264' },
		{ label: 'RTSP', url: 'rtsp://pi.local:8554/' },
		{ label: 'Picture only', url: 'http://pi.local:8080/stream.html' },
		{ label: 'Status', url: 'http://pi.local:8080/api/status' },
	]);
});

test('a camera without H.264, behind a proxy prefix', () => {
	const l = cameraLinks(door, 'https://cam.example/watch/cam/door/?mode=live');
	assert.deepEqual(l.map((x) => x.url), [
		'https://cam.example/watch/cam/door/pi.jpg',
		'https://cam.example/watch/cam/door/stream.mjpg',
		'rtsp://cam.example:8554/cam/door',
		'https://cam.example/watch/cam/door/stream.html',
		'https://cam.example/watch/cam/door/api/status',
	]);
});

test('RTSP only with a port, IPv6 in brackets', () => {
	const page = new URL('http://[fe80::1]:8080/');
	assert.equal(rtspUrl({ rtsp_port: 8554, still: '/pi.jpg' }, page),
	    'rtsp://[fe80::1]:8554/');
	assert.equal(rtspUrl({ still: '/pi.jpg' }, page), null);
	assert.equal(rtspUrl({ rtsp_port: 0 }, page), null);
	assert.equal(rtspUrl({ rtsp_port: 70000 }, page), null);
	assert.equal(rtspUrl({ rtsp_port: 8554, still: '/cam/a b/pi.jpg' }, page),
	    'rtsp://[fe80::1]:8554/');
});

test('snippets with the host filled in', () => {
	const s = cameraSnippets(root, 'http://192.168.1.20:8080/');
	assert.deepEqual(s.map((x) => x.name), ['Home Assistant (Generic Camera)',
	    'Frigate', 'OctoPrint', 'VLC', 'ffmpeg']);
	assert.equal(s[0].text, 'Still image URL: http://192.168.1.20:8080/pi.jpg\n' +
	    'Stream source: rtsp://192.168.1.20:8554/\n');
	assert.equal(s[1].text, 'cameras:\n  default:\n    ffmpeg:\n      inputs:\n' +
	    '        - path: rtsp://192.168.1.20:8554/\n          roles: [record]\n' +
	    '        - path: rtsp://192.168.1.20:8554/sub  # capd --h264-sub 640x360@5\n' +
	    '          roles: [detect]\n');
	assert.equal(s[2].text, 'Stream URL: http://192.168.1.20:8080/stream.mjpg\n' +
	    'Snapshot URL: http://192.168.1.20:8080/pi.jpg\n');
	assert.equal(s[3].text, 'vlc rtsp://192.168.1.20:8554/\n');
	assert.equal(s[4].text, 'ffmpeg -rtsp_transport tcp -i rtsp://192.168.1.20:8554/ ' +
	    '-c copy -t 60 clip.mp4\n');
});

test('with passwords, the RTSP snippets say where the user goes', () => {
	const s = cameraSnippets(door, 'http://pi:8080/cam/door/');
	assert.match(s[0].text, /Authentication: basic/);
	assert.equal(s[1].text.split('\n')[1], '  door:');
	assert.match(s[1].text, /path: rtsp:\/\/USER:PASSWORD@pi:8554\/cam\/door\n/);
	assert.match(s[1].text, /path: rtsp:\/\/USER:PASSWORD@pi:8554\/cam\/door\/sub /);
	assert.equal(s[3].text, 'vlc rtsp://USER:PASSWORD@pi:8554/cam/door\n');
});
