import { ApiError, type ApiClient, createApiClient } from '../client/index.js';

/** The page's one API client: same origin, so the browser keeps the session cookie. */
export const client: ApiClient = createApiClient({ baseUrl: window.location.origin });

/** The API's words for a refusal (a rate limit's say how long to wait); a sentence of ours when it could not be reached. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'The service could not be reached. Check your connection and try again.';
}
