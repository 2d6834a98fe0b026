import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

const withKey = { SECRET_KEY: 'k' };

test('rate limits are on by default, failed logins are counted for 30 minutes, and no proxy is trusted', () => {
  const config = loadConfig(withKey);
  assert.equal(config.rateLimits, true);
  assert.equal(config.loginFailureWindowSeconds, 1800);
  assert.equal(config.trustProxy, false);
});

test('RATE_LIMITS=off turns the rate limits off; anything but on or off is refused', () => {
  assert.equal(loadConfig({ ...withKey, RATE_LIMITS: 'off' }).rateLimits, false);
  assert.equal(loadConfig({ ...withKey, RATE_LIMITS: 'ON' }).rateLimits, true);
  assert.throws(() => loadConfig({ ...withKey, RATE_LIMITS: 'sometimes' }),
    (error: unknown) => error instanceof ConfigError && error.message === 'RATE_LIMITS must be on or off, got "sometimes"');
});

test('LOGIN_FAILURE_WINDOW_SECONDS is a whole number from 1 second to a day', () => {
  assert.equal(loadConfig({ ...withKey, LOGIN_FAILURE_WINDOW_SECONDS: '600' }).loginFailureWindowSeconds, 600);
  for (const value of ['0', '86401', 'half an hour', '-5']) {
    assert.throws(() => loadConfig({ ...withKey, LOGIN_FAILURE_WINDOW_SECONDS: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('LOGIN_FAILURE_WINDOW_SECONDS'), value);
  }
});

test('TRUST_PROXY is true, false, or the proxies\' addresses and ranges', () => {
  assert.equal(loadConfig({ ...withKey, TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ ...withKey, TRUST_PROXY: 'false' }).trustProxy, false);
  assert.equal(loadConfig({ ...withKey, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1, fd00::/8,loopback' }).trustProxy,
    '10.0.0.0/8,127.0.0.1,::1,fd00::/8,loopback');
  for (const value of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/8', '2', 'yes']) {
    assert.throws(() => loadConfig({ ...withKey, TRUST_PROXY: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('TRUST_PROXY'), value);
  }
});
