/**
 * An error answer in Django REST framework's shapes: `{"detail": "..."}`, or field errors
 * `{"field": ["...", ...]}` (400), or a send to an unknown recipient, which carries both
 * `error` and `recipient`.
 */
export type ErrorBody = { detail: string } | Record<string, string[] | string>;

/** A request the API refused (4xx) or could not serve (5xx), with its status and body. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ErrorBody, readonly retryAfterSeconds: number | null = null) {
    super(describe(body) || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** The `detail` of the answer, if it has one. */
  get detail(): string | undefined {
    return typeof this.body.detail === 'string' ? this.body.detail : undefined;
  }

  /** The messages about one field (`username`, `password`, `content`...), empty when there are none. */
  fieldErrors(field: string): string[] {
    const value = (this.body as Record<string, unknown>)[field];
    return Array.isArray(value) ? value.filter((message): message is string => typeof message === 'string') : [];
  }
}

/** Every message of an error body, in one line. */
function describe(body: ErrorBody): string {
  if (typeof body.detail === 'string') return body.detail;
  return Object.entries(body)
    .flatMap(([field, messages]) => (Array.isArray(messages) ? messages : [messages]).map((message) => `${field}: ${message}`))
    .join(' ');
}
