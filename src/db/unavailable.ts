/** PostgreSQL SQLSTATEs that mean the server or this connection went away, not that the query was wrong. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the backend was terminated (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down or in recovery
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction: a standby, say a failover's old primary that came back as one
]);

const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The codes postgres.js gives a connection that dropped or could not be opened in time. Not its
 * CONNECTION_ENDED and CONNECTION_DESTROYED: those follow the service's own closing of the pool.
 */
const UNAVAILABLE_DRIVER_CODES = new Set(['CONNECTION_CLOSED', 'CONNECT_TIMEOUT']);

/**
 * Whether a database error means the database could not be reached or dropped the connection (a
 * restart, a failover, a killed backend, a locked SQLite file) rather than a fault of the request or
 * of the code: such a request may succeed when retried.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  const e = error as { code?: unknown; cause?: unknown } | null;
  if (typeof e !== 'object' || e === null) return false;
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(e.code) || e.code.startsWith('08')) return true;
    if (UNAVAILABLE_SOCKET_CODES.has(e.code) || UNAVAILABLE_DRIVER_CODES.has(e.code)) return true;
    if (e.code.startsWith('SQLITE_BUSY')) return true;
  }
  return depth < 3 && e.cause !== undefined && isDatabaseUnavailable(e.cause, depth + 1);
}
