// SPDX-License-Identifier: ISC
// The stream page: the live WebSocket feed on a full-window canvas.
import { loadConfig, LiveFeed, paint } from './campipe.js';

const canvas = document.getElementById('c');
const ctx = canvas.getContext('2d');
const cp = window.campipe = { frames: 0, state: 'connecting' };
const feed = new LiveFeed(await loadConfig(), (bmp) => {
	paint(canvas, ctx, bmp);
	cp.frames++;
	document.body.dataset.frames = cp.frames;
}, (state) => {
	cp.state = state;
	document.body.dataset.state = state;
});
feed.start();
