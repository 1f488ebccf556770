// SPDX-License-Identifier: ISC
// cameras.test.mjs: the switcher's address helpers under node:test: the
// camera of a page's path, the site's root, and where a camera's viewer is.
import assert from 'node:assert/strict';
import test from 'node:test';
import { cameraFromPath, rootOf, viewerOf } from '../../www/cameras.js';

test('the camera of a path', () => {
	assert.equal(cameraFromPath('/cam/door/'), 'door');
	assert.equal(cameraFromPath('/cam/door/index.html'), 'door');
	assert.equal(cameraFromPath('/watch/cam/a_b-9/'), 'a_b-9');
	assert.equal(cameraFromPath('/'), null);
	assert.equal(cameraFromPath('/grid.html'), null);
	assert.equal(cameraFromPath('/cam/door'), null);
	assert.equal(cameraFromPath('/cam/bad name/'), null);
	assert.equal(cameraFromPath('/cam/' + 'a'.repeat(33) + '/'), null);
	assert.equal(cameraFromPath('/cam/door/sub/x'), null);
});

test('the root of the site', () => {
	assert.equal(rootOf('/'), '/');
	assert.equal(rootOf('/index.html'), '/');
	assert.equal(rootOf('/grid.html'), '/');
	assert.equal(rootOf('/cam/door/'), '/');
	assert.equal(rootOf('/watch/cam/door/'), '/watch/');
	assert.equal(rootOf('/watch/'), '/watch/');
});

test('where a camera is watched', () => {
	assert.equal(viewerOf('/', 'door', 'door'), '/');
	assert.equal(viewerOf('/', 'garden', 'door'), '/cam/garden/');
	assert.equal(viewerOf('/watch/', 'garden', 'door'), '/watch/cam/garden/');
});
