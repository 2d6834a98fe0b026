import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Config } from './config.js';
import { listenForEndedCredentials } from './db/credential-notices.js';
import { type Database, openDatabase } from './db/database.js';
import { groupCommit, transactionPerUnit } from './db/group-commit.js';
import { migrateToLatest } from './db/migrate.js';
import { loggerOptions } from './http/logging.js';
import { createServiceMetrics } from './metrics/service-metrics.js';
import { parseQuerystring } from './http/querystring.js';
import { requestLoggerFactory } from './http/request-logger.js';
import { installResponseSerializer } from './http/response-serializer.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { scheduleSessionPurge } from './modules/auth/session-purge.js';
import { createSessionsRepository } from './modules/auth/sessions.repository.js';
import { socketCredentials } from './modules/auth/socket-credentials.js';
import { blocksRoutes } from './modules/blocks/blocks.routes.js';
import { createBlocksRepository } from './modules/blocks/blocks.repository.js';
import { createBlocksService } from './modules/blocks/blocks.service.js';
import { conversationsRoutes } from './modules/conversations/conversations.routes.js';
import { createConversationsRepository } from './modules/conversations/conversations.repository.js';
import { createConversationsService } from './modules/conversations/conversations.service.js';
import { createTypingService } from './modules/conversations/typing.service.js';
import { createHealthRepository } from './modules/health/health.repository.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { createHealthService } from './modules/health/health.service.js';
import { messagesRoutes } from './modules/messages/messages.routes.js';
import { createMessagesRepository } from './modules/messages/messages.repository.js';
import { createMessagesService } from './modules/messages/messages.service.js';
import { tokensRoutes } from './modules/tokens/tokens.routes.js';
import { createTokensRepository } from './modules/tokens/tokens.repository.js';
import { createTokensService } from './modules/tokens/tokens.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { webRoutes } from './modules/web/web.routes.js';
import { createUsersRepository } from './modules/users/users.repository.js';
import { createUsersService } from './modules/users/users.service.js';
import { createAccountsService } from './modules/users/accounts.service.js';
import { createExportService } from './modules/users/export.service.js';
import { installAuth } from './plugins/auth.js';
import { installBodyParsers } from './plugins/body-parsers.js';
import { answerClientError } from './plugins/client-errors.js';
import { answerFrameworkError, installErrorHandler } from './plugins/error-handler.js';
import { installMetrics } from './plugins/metrics.js';
import { installOpenApi } from './plugins/openapi.js';
import { handshakeCounter, installAddressLimit, installRateLimits, openCounterStore } from './plugins/rate-limit.js';
import { installReadBatching } from './plugins/read-batching.js';
import { installRealtime } from './plugins/realtime.js';
import { installSecurityHeaders, withSecurityHeaders } from './plugins/security-headers.js';
import { installShutdown } from './plugins/shutdown.js';
import { installValidation } from './plugins/validation.js';
import type { Bus } from './realtime/bus.js';
import { createHub } from './realtime/hub.js';
import { createLocalBus } from './realtime/local-bus.js';
import { createRedisBus } from './realtime/redis-bus.js';
import { waitForPostgres, waitForRedis } from './runtime/wait-for-services.js';

export interface BuildOptions {
  /** An open database to use instead of opening `config.databaseUrl` (it is then not closed with the app). */
  database?: Database;
  /** Pino options, or false for no logging (tests). */
  logger?: boolean | Record<string, unknown>;
  /** Every answer validated against its response schema before it is written (tests). */
  checkResponses?: boolean;
  /**
   * Waits for PostgreSQL and Redis to answer before using them, up to STARTUP_WAIT_SECONDS (the server:
   * in a deployment they may still be starting).
   */
  waitForServices?: boolean;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** A send waits at most this long for others to share its commit. */
const GROUP_COMMIT_WAIT_MS = 1;
const GROUP_COMMIT_MAX_BATCH = 64;

/** The whole service as a Fastify instance: the server, the tests and the benchmarks all build this. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logger),
    ...(options.logger === false ? {} : { childLoggerFactory: requestLoggerFactory }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    routerOptions: { maxParamLength: 300, querystringParser: parseQuerystring },
    trustProxy: config.trustProxy,
    frameworkErrors: withSecurityHeaders(answerFrameworkError),
    clientErrorHandler: answerClientError,
    // Requests arriving while the server shuts down are answered by the shutdown plugin, in our words.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.waitForServices) {
    const wait = { waitSeconds: config.startupWaitSeconds, log: (message: string) => app.log.warn(message) };
    if (config.databaseUrl.startsWith('postgres')) await waitForPostgres(config.databaseUrl, wait);
    if (config.redisUrl) await waitForRedis(config.redisUrl, wait);
  }
  const database = options.database ?? openDatabase(config.databaseUrl, {
    sqliteExclusive: config.sqliteExclusive,
    poolSize: config.databasePoolSize ?? undefined,
    onConnectionLost: () => app.log.warn('database connection lost'),
  });
  await migrateToLatest(database);
  const notices = database.postgres && config.sessionCache
    ? await listenForEndedCredentials(database.postgres, { log: app.log })
    : null;
  if (notices) app.addHook('onClose', () => notices.close());

  const users = createUsersRepository(database.db, database.erased);
  const sessions = createSessionsRepository(database.db, database.dialect);
  const conversations = createConversationsRepository(database.db, database.dialect);
  const metricsRegistry = new Registry();
  const metrics = createServiceMetrics(metricsRegistry);
  const transactions = database.dialect === 'sqlite' && config.groupCommit
    ? groupCommit(database.db, { maxWaitMs: GROUP_COMMIT_WAIT_MS, maxBatch: GROUP_COMMIT_MAX_BATCH, onBatch: metrics.observeGroupCommitBatch })
    : transactionPerUnit(database.db);
  // Sends whose client went away are still committed (or failed) before the database closes.
  app.addHook('onClose', async () => {
    await transactions.settle();
    if (!options.database) await database.destroy();
  });
  const messages = createMessagesRepository(database.db, { transactions, dialect: database.dialect, erased: database.erased });
  const bus: Bus = config.redisUrl ? createRedisBus(config.redisUrl, app.log, config.redisPrefix) : createLocalBus();
  app.addHook('onClose', () => bus.close());
  const hub = createHub(bus, { maxBufferedBytes: config.wsMaxBufferedBytes });
  const auth = createAuthService({
    users, sessions, secretKey: config.secretKey, sessionLifetimeSeconds: config.sessionLifetimeSeconds,
    sessionIdleSeconds: config.sessionIdleSeconds, onSessionEnded: hub.revoke, notices,
  });
  scheduleSessionPurge(app, auth.purgeExpiredSessions);
  const tokens = createTokensService({
    auth, tokens: createTokensRepository(database.db, database.dialect), secretKey: config.secretKey, onTokenRevoked: hub.revoke,
    notices,
  });

  // Our plugins are install functions that run here, in this order, on the app itself; Fastify's own
  // plugins (cookies, WebSocket) and each module's routes are registered with app.register.
  installValidation(app);
  installResponseSerializer(app, { checked: options.checkResponses ?? false });
  installBodyParsers(app);
  installErrorHandler(app);
  installReadBatching(app);
  installShutdown(app);
  installSecurityHeaders(app);
  installAddressLimit(app, config);
  await app.register(cookie);
  installAuth(app, { auth, tokens, config });
  await installOpenApi(app);
  installMetrics(app, { registry: metricsRegistry, metrics, hub, bus, token: config.metricsToken });
  await app.register(webRoutes);
  await app.register(healthRoutes, { health: createHealthService({ health: createHealthRepository(database.db, database.dialect) }) });

  // Limits the routes registered from here on: not the docs, the health probes or the metrics.
  const counters = await openCounterStore(app, config);
  await installRateLimits(app, config, counters);
  const cookies = { secureCookies: config.secureCookies };
  await app.register(authRoutes, { auth, cookies, trustedOrigins: config.trustedOrigins });
  await app.register(tokensRoutes, { tokens });
  const blocks = createBlocksService({ blocks: createBlocksRepository(database.db), users, emailVisibility: config.emailVisibility });
  const conversationsService = createConversationsService({ conversations, blocks, events: hub, emailVisibility: config.emailVisibility });
  await app.register(usersRoutes, {
    users: createUsersService({ users, emailVisibility: config.emailVisibility }),
    accounts: createAccountsService({
      users, passwordMatches: auth.passwordMatches, onCredentialEnded: hub.revoke, heardEverywhere: notices?.heardEverywhere,
    }),
    exports: createExportService({ conversations, messages, emailVisibility: config.emailVisibility }),
    cookies,
  });
  await app.register(messagesRoutes, { messages: createMessagesService({ messages, conversations, blocks, events: hub }) });
  await app.register(conversationsRoutes, { conversations: conversationsService });
  await app.register(blocksRoutes, { blocks });
  const typing = createTypingService({ conversations, blocks, counters, events: hub });
  await installRealtime(app, {
    hub,
    authenticate: socketCredentials(auth, tokens),
    typing: typing.typing,
    countHandshake: handshakeCounter(config, counters),
    trustedOrigins: config.trustedOrigins, heartbeatMs: config.wsHeartbeatSeconds * 1000,
    maxSocketsPerUser: config.wsMaxSocketsPerUser,
  });

  return app;
}
