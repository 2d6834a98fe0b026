import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { WEB_CSP } from '../../src/modules/web/web.routes.js';

test('/ serves the web app\'s page, and /assets/ its bundled script and styles, under a strict CSP', async (t) => {
  const { app } = await buildTestApp(t, 'sqlite');
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal(page.headers['content-security-policy'], WEB_CSP);
  assert.match(WEB_CSP, /script-src 'self';/);
  assert.doesNotMatch(WEB_CSP, /unsafe/);
  assert.match(page.body, /<script type="module" src="\/assets\/app\.js"><\/script>/);
  assert.doesNotMatch(page.body, /<script>|<style>|https?:\/\//, 'no inline script or style, nothing from elsewhere');

  const script = await app.inject({ method: 'GET', url: '/assets/app.js' });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers['content-type']), /^text\/javascript/);
  assert.ok(script.body.includes('Username or email'), 'the bundle holds the app');
  assert.ok(!/(import\(|from\s*)["']https?:/.test(script.body), 'nothing is imported from elsewhere');
  const styles = await app.inject({ method: 'GET', url: '/assets/app.css' });
  assert.equal(styles.statusCode, 200);
  assert.match(String(styles.headers['content-type']), /^text\/css/);

  // The API's own answers keep the API's policy.
  const api = await app.inject({ method: 'GET', url: '/healthz' });
  assert.notEqual(api.headers['content-security-policy'], WEB_CSP);
});
