export { type Api, type ApiClient, type ApiClientOptions, createApiClient, unwrap } from './api-client.js';
export { ApiError, type ErrorBody } from './errors.js';
export {
  type ConnectionState, connectRealtime, type Message, type OpenSocket, type Realtime, type RealtimeEvent, type RealtimeOptions,
  type SocketLike, WS_PROTOCOL,
} from './realtime.js';
export type { components, paths } from './schema.js';
