import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { EMAIL_VISIBILITIES, type EmailVisibility } from './modules/users/email-visibility.js';
import { fileErrorReason } from './runtime/file-errors.js';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './runtime/private-files.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  /** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://...` */
  readonly databaseUrl: string;
  readonly redisUrl: string | null;
  /**
   * Start of every Redis channel name. The instances of one deployment share it; deployments (or test
   * runs) sharing one Redis each need their own, or they hear each other's events.
   */
  readonly redisPrefix: string;
  /** How long start-up waits for PostgreSQL and Redis to answer (they may be starting too); 0: try once. */
  readonly startupWaitSeconds: number;
  /** Keys the hashes under which session ids are stored; every instance must share it. */
  readonly secretKey: string;
  /** Origins besides the request's own host that may make unsafe requests, e.g. `https://app.example.com`. */
  readonly trustedOrigins: readonly string[];
  /** Force the `Secure` flag on cookies (it is set anyway on requests that arrived over HTTPS). */
  readonly secureCookies: boolean;
  readonly logLevel: LogLevel;
  /** Absolute lifetime of a login session, in seconds (Django's SESSION_COOKIE_AGE). */
  readonly sessionLifetimeSeconds: number;
  /** A session unused for this long ends, in seconds; 0: never, as in Django. */
  readonly sessionIdleSeconds: number;
  /** How often open WebSockets are pinged; one that has not answered the previous ping is closed. */
  readonly wsHeartbeatSeconds: number;
  /** Bytes that may wait unsent for one WebSocket before its client counts as not reading and is closed. */
  readonly wsMaxBufferedBytes: number;
  /** WebSockets one user may hold open on one instance; a handshake past it gets 429. */
  readonly wsMaxSocketsPerUser: number;
  /** SQLite: concurrent sends share one transaction and one fsync. Off: one commit per message. */
  readonly groupCommit: boolean;
  /** SQLite: the service alone opens the file and keeps its locks; nothing else may open it meanwhile. */
  readonly sqliteExclusive: boolean;
  /** PostgreSQL: the most connections the service opens; null for twice the cores (see postgresPoolSize). */
  readonly databasePoolSize: number | null;
  /**
   * PostgreSQL: sessions and API tokens are kept in memory between requests while the database's notices
   * of ended ones are heard (see CredentialCache). Off: every request reads its credential.
   */
  readonly sessionCache: boolean;
  /** Who sees other users' email addresses in lists, the inbox and blocks: nobody, or everyone logged in. */
  readonly emailVisibility: EmailVisibility;
  /** How long a graceful shutdown may take (SIGTERM, SIGINT) before the process exits anyway, with code 1. */
  readonly shutdownTimeoutSeconds: number;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`; unset, it is open. */
  readonly metricsToken: string | null;
  /** Rate limits (src/plugins/rate-limit.ts); off for benchmarks. */
  readonly rateLimits: boolean;
  /** How long failed logins are counted: a throttled login is let in again at the latest after this long. */
  readonly loginFailureWindowSeconds: number;
  /**
   * Fastify's `trustProxy`: whose `X-Forwarded-For` (and `-Proto`, `-Host`) to believe. false: nobody's,
   * the client is the socket's peer; true: anyone's; or the proxies' addresses and ranges, comma-separated.
   */
  readonly trustProxy: boolean | string;
}

export class ConfigError extends Error {}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DEFAULT_DATABASE_URL = 'sqlite:./data/db.sqlite3';
const TWO_WEEKS_SECONDS = 14 * 24 * 60 * 60;

type Env = Record<string, string | undefined>;

export type StorageConfig = Pick<Config, 'databaseUrl' | 'redisUrl' | 'redisPrefix' | 'startupWaitSeconds'>;

/** Reads and validates the configuration; throws a ConfigError naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const storage = loadStorageConfig(env);
  return Object.freeze({
    port: readInteger(env, 'PORT', 8000, 0, 65535),
    host: readNonEmpty(env, 'HOST', '127.0.0.1'),
    ...storage,
    secretKey: env.SECRET_KEY?.trim() || loadOrCreateSecretKey(dataFolderOf(storage.databaseUrl)),
    trustedOrigins: Object.freeze(readOrigins(env.TRUSTED_ORIGINS)),
    secureCookies: readBoolean(env, 'SECURE_COOKIES', false),
    logLevel: readLogLevel(env.LOG_LEVEL),
    sessionLifetimeSeconds: readInteger(env, 'SESSION_LIFETIME_SECONDS', TWO_WEEKS_SECONDS, 60, 10 * 365 * 24 * 3600),
    sessionIdleSeconds: readSessionIdleSeconds(env),
    wsHeartbeatSeconds: readInteger(env, 'WS_HEARTBEAT_SECONDS', 30, 1, 3600),
    wsMaxBufferedBytes: readInteger(env, 'WS_MAX_BUFFERED_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    wsMaxSocketsPerUser: readInteger(env, 'WS_MAX_SOCKETS_PER_USER', 20, 1, 10_000),
    groupCommit: readBoolean(env, 'GROUP_COMMIT', true),
    sqliteExclusive: readBoolean(env, 'SQLITE_EXCLUSIVE', false),
    databasePoolSize: env.DATABASE_POOL_SIZE?.trim() ? readInteger(env, 'DATABASE_POOL_SIZE', 0, 1, 1000) : null,
    sessionCache: readOnOff(env, 'SESSION_CACHE', true),
    emailVisibility: readEmailVisibility(env.EMAIL_VISIBILITY),
    shutdownTimeoutSeconds: readInteger(env, 'SHUTDOWN_TIMEOUT_SECONDS', 8, 1, 3600),
    metricsToken: readMetricsToken(env.METRICS_TOKEN),
    rateLimits: readOnOff(env, 'RATE_LIMITS', true),
    loginFailureWindowSeconds: readInteger(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 30 * 60, 1, 24 * 3600),
    trustProxy: readTrustProxy(env.TRUST_PROXY),
  });
}

/**
 * What the command-line tools need: the database, and the Redis through which running instances are
 * told of ended sessions. Nothing else is read, so no secret key is made for a tool that has no use for one.
 */
export function loadStorageConfig(env: Env = process.env): StorageConfig {
  return Object.freeze({
    databaseUrl: readDatabaseUrl(env.DATABASE_URL),
    redisUrl: readRedisUrl(env.REDIS_URL),
    redisPrefix: readNonEmpty(env, 'REDIS_PREFIX', 'messaging:'),
    startupWaitSeconds: readInteger(env, 'STARTUP_WAIT_SECONDS', 30, 0, 3600),
  });
}

/** A bearer token is one word: one with white space in it could never be sent. */
function readMetricsToken(raw: string | undefined): string | null {
  const token = raw?.trim();
  if (!token) return null;
  if (/\s/.test(token)) throw new ConfigError('METRICS_TOKEN must not contain white space');
  return token;
}

function readNonEmpty(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value.trim() === '') throw new ConfigError(`${name} must not be blank`);
  return value.trim();
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readSessionIdleSeconds(env: Env): number {
  const value = readInteger(env, 'SESSION_IDLE_SECONDS', 0, 0, 10 * 365 * 24 * 3600);
  if (value > 0 && value < 60) {
    throw new ConfigError(`SESSION_IDLE_SECONDS must be 0 (no idle timeout) or at least 60, got ${value}`);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function readOnOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name} must be on or off, got "${env[name]}"`);
}

const PROXY_ADDRESS_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

function readTrustProxy(raw: string | undefined): boolean | string {
  const value = raw?.trim().toLowerCase();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, rest] = entry.split('/');
    const version = isIP(address);
    const valid = PROXY_ADDRESS_KEYWORDS.includes(entry) || (version !== 0 && rest === undefined
      && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128))));
    if (!valid) {
      throw new ConfigError('TRUST_PROXY must be true, false, or the proxies\' addresses and ranges '
        + `(10.0.0.5, 10.0.0.0/8, ${PROXY_ADDRESS_KEYWORDS.join(', ')}); "${entry}" is none of these`);
    }
  }
  return entries.length === 0 ? false : entries.join(',');
}

function readDatabaseUrl(raw: string | undefined): string {
  const value = raw?.trim() || DEFAULT_DATABASE_URL;
  if (value.startsWith('sqlite:')) {
    if (value.length === 'sqlite:'.length) throw new ConfigError('DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/db.sqlite3');
    return value;
  }
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    return value;
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

function readRedisUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!/^rediss?:\/\//.test(value)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  try {
    new URL(value);
  } catch {
    throw new ConfigError('REDIS_URL is not a valid URL');
  }
  return value;
}

function readOrigins(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(`TRUSTED_ORIGINS entry "${entry}" is not an origin like https://app.example.com`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`TRUSTED_ORIGINS entry "${entry}" must be http or https`);
    }
    return url.origin;
  });
}

function readEmailVisibility(raw: string | undefined): EmailVisibility {
  const value = (raw?.trim() || 'nobody').toLowerCase();
  if (!(EMAIL_VISIBILITIES as readonly string[]).includes(value)) {
    throw new ConfigError(`EMAIL_VISIBILITY must be one of ${EMAIL_VISIBILITIES.join(', ')}, got "${raw}"`);
  }
  return value as EmailVisibility;
}

function readLogLevel(raw: string | undefined): LogLevel {
  const value = (raw?.trim() || 'info').toLowerCase();
  if (!(LOG_LEVELS as string[]).includes(value)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return value as LogLevel;
}

/** The folder beside the SQLite file, or ./data for other databases. */
function dataFolderOf(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    return dirname(databaseUrl.slice('sqlite:'.length));
  }
  return './data';
}

function loadOrCreateSecretKey(folder: string): string {
  const file = join(folder, 'secret_key');
  try {
    try {
      const existing = readFileSync(file, 'utf8').trim();
      if (existing) return existing;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    makePrivateFolder(folder);
    const key = randomBytes(32).toString('base64url');
    try {
      writeFileSync(file, key + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    } catch (error) {
      // Another process starting beside this one made it first: theirs is the key.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
      throw error;
    }
    return key;
  } catch (error) {
    throw new ConfigError(`cannot read or make the secret key ${file} (${fileErrorReason(error)}): `
      + 'point DATABASE_URL at a folder this user can write, or set SECRET_KEY');
  }
}
