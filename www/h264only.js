// SPDX-License-Identifier: ISC
// h264only.js: a camera whose source gives H.264 only (capd's
// --source-format h264, docs/frames.md) has no JPEG.  The pages learn it
// from the status (capd's "gives") or, where the status does not say, from
// the refusal itself: a still answered 503, a live WebSocket closed with
// 1011, each with capd's reason "this camera gives H.264 only: ...".
export const JPEG_MODES = ['live', 'mjpeg', 'stills'];
export const REASON = 'this camera gives H.264 only';

// Whether a state's detail carries capd's refusal.
export function isRefusal(detail) {
	return typeof detail === 'string' && detail.includes(REASON);
}

// What /api/status says the camera gives: 'h264', 'jpeg', or null when it
// does not say (capd's control socket out of reach, no refusal seen).
export function gives(st) {
	if (!st)
		return null;
	if (st.capd && (st.capd.gives === 'h264' || st.capd.gives === 'jpeg'))
		return st.capd.gives;
	if (st.camera && isRefusal(st.camera.cause))
		return 'h264';
	return null;
}
