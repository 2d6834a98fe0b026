import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';

const withKey = { SECRET_KEY: 'k' };

test('the defaults serve SQLite on 127.0.0.1:8000', () => {
  const config = loadConfig(withKey);
  assert.equal(config.port, 8000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.databaseUrl, 'sqlite:./data/db.sqlite3');
  assert.equal(config.redisUrl, null);
  assert.equal(config.secureCookies, false);
  assert.equal(config.sessionLifetimeSeconds, 14 * 24 * 3600);
  assert.equal(config.sqliteExclusive, false);
});

test('SQLITE_EXCLUSIVE=true asks for the SQLite file alone', () => {
  assert.equal(loadConfig({ ...withKey, SQLITE_EXCLUSIVE: 'true' }).sqliteExclusive, true);
});

test('a bad value is refused with the name of its variable', () => {
  const cases: Record<string, string> = {
    PORT: 'eighty',
    DATABASE_URL: 'mysql://localhost/x',
    REDIS_URL: 'http://localhost',
    TRUSTED_ORIGINS: 'not a url',
    SECURE_COOKIES: 'maybe',
    SQLITE_EXCLUSIVE: 'sometimes',
    LOG_LEVEL: 'loud',
    METRICS_TOKEN: 'two words',
  };
  for (const [name, value] of Object.entries(cases)) {
    assert.throws(() => loadConfig({ ...withKey, [name]: value }),
      (error: unknown) => error instanceof ConfigError && error.message.includes(name), name);
  }
  assert.throws(() => loadConfig({ ...withKey, PORT: '70000' }), /PORT must be between/);
});

test('Redis channels start with REDIS_PREFIX, "messaging:" by default', () => {
  assert.equal(loadConfig(withKey).redisPrefix, 'messaging:');
  assert.equal(loadConfig({ ...withKey, REDIS_PREFIX: 'staging:' }).redisPrefix, 'staging:');
  assert.throws(() => loadConfig({ ...withKey, REDIS_PREFIX: '  ' }), /REDIS_PREFIX must not be blank/);
});

test('trusted origins are normalized to scheme, host and port', () => {
  const config = loadConfig({ ...withKey, TRUSTED_ORIGINS: 'https://app.example.com/, http://localhost:3000' });
  assert.deepEqual(config.trustedOrigins, ['https://app.example.com', 'http://localhost:3000']);
});

test('without SECRET_KEY a key is generated once and kept beside the database', () => {
  const folder = mkdtempSync(join(tmpdir(), 'messaging-config-'));
  const env = { DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}` };
  const first = loadConfig(env).secretKey;
  assert.ok(first.length >= 32);
  assert.equal(readFileSync(join(folder, 'secret_key'), 'utf8').trim(), first);
  assert.equal(loadConfig(env).secretKey, first);
});
