/**
 * An error that becomes a response with Django REST framework's shapes:
 * `{"detail": "..."}` or field errors `{"field": ["..."]}`.
 */
export class ApiError extends Error {
  constructor(readonly statusCode: number, readonly body: Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {}) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${statusCode}`);
    this.name = 'ApiError';
  }
}

export type FieldErrors = Record<string, string[]>;

export const fieldErrors = (errors: FieldErrors) => new ApiError(400, errors);
export const fieldError = (field: string, message: string) => fieldErrors({ [field]: [message] });

export const notAuthenticated = () => new ApiError(403, { detail: 'Authentication credentials were not provided.' });
export const csrfMissing = () => new ApiError(403, { detail: 'CSRF Failed: CSRF token missing.' });
export const csrfIncorrect = () => new ApiError(403, { detail: 'CSRF Failed: CSRF token incorrect.' });
export const originNotTrusted = (origin: string) =>
  new ApiError(403, { detail: `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.` });
/** Too many passwords are waiting to be hashed: a login or registration is refused rather than queued without end. */
export const hashingBusy = () => new ApiError(503, { detail: 'Too many logins at once: try again in a moment.' }, { 'retry-after': '1' });
export const crossSiteLogout = () => new ApiError(403, { detail: 'CSRF Failed: a request from another site may not log out.' });
export const invalidCredentials = () => new ApiError(401, { detail: 'Invalid username or password.' });
/** DRF's TokenAuthentication: an unknown, revoked or malformed token, with the scheme to use. */
export const invalidToken = () => new ApiError(401, { detail: 'Invalid token.' }, { 'www-authenticate': 'Token' });
export const notMadeWithToken = () => new ApiError(400, { detail: 'This request was not made with an API token.' });
export const notFound = () => new ApiError(404, { detail: 'Not found.' });
export const invalidPage = () => new ApiError(404, { detail: 'Invalid page.' });
export const invalidHost = () => new ApiError(400, { detail: 'Invalid Host header.' });
export const recipientNotFound = () =>
  new ApiError(400, { error: 'Recipient not found', recipient: ['No user with this username or email.'] });
export const jsonParseError = (reason: string) => new ApiError(400, { detail: `JSON parse error - ${reason}` });
export const unsupportedMediaType = (type: string) =>
  new ApiError(415, { detail: `Unsupported media type "${type}" in request.` });
export const payloadTooLarge = () => new ApiError(413, { detail: 'Request body is too large.' });
export const methodNotAllowed = (method: string) => new ApiError(405, { detail: `Method "${method}" not allowed.` });
/** DRF's Throttled: the whole seconds to wait, in the detail and in `Retry-After`. */
export const throttled = (seconds: number) => new ApiError(429,
  { detail: `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.` },
  { 'retry-after': String(seconds) });
