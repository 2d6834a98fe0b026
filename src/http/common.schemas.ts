import { Type } from 'typebox';

/** DRF's ProhibitNullCharactersValidator, which every CharField has: spread into a string schema. */
export const NO_NUL = { pattern: '^[^\\u0000]*$', 'x-error': 'Null characters are not allowed.' } as const;

/** `{"detail": "..."}`: every error that is not about a particular field. Each answer gives its own examples (detailAnswer). */
export const Detail = Type.Object({ detail: Type.String() }, { title: 'Detail' });

/** DRF's field errors: each invalid field with its messages. Each answer gives its own example (fieldErrorsAnswer). */
export const FieldErrors = Type.Record(Type.String(), Type.Array(Type.String()), { title: 'FieldErrors' });

/** An operation's `{"detail"}` answer: what it means there, and the details it gives. */
export function detailAnswer(description: string, ...details: string[]) {
  return { ...Detail, description, examples: details.map((detail) => ({ detail })) };
}

/** An operation's field errors: what they mean there, and an example naming its own fields. */
export function fieldErrorsAnswer(description: string, ...examples: Record<string, string[]>[]) {
  return { ...FieldErrors, description, examples };
}

/**
 * A string or null, written as `type: ['string', 'null']` rather than as a union: the response
 * serializer settles a union by running a validator on every value, and this by a null check.
 * OpenAPI 3.0 shows it as `nullable: true`.
 */
export function NullableString(options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ ...options, type: ['string', 'null'] });
}

/** DRF's page-number pagination envelope around a list of `item`. */
export function PageOf<T extends Parameters<typeof Type.Array>[0]>(item: T, title: string) {
  return Type.Object({
    count: Type.Integer({ description: 'Total number of items across all pages.' }),
    next: NullableString({ description: 'Absolute URL of the next page, or null.' }),
    previous: NullableString({ description: 'Absolute URL of the previous page, or null.' }),
    results: Type.Array(item),
  }, { title });
}

export const PageQuery = Type.Object({
  page: Type.Optional(Type.String({ description: 'Page number (1 is the first) or `last`.', examples: ['1', 'last'] })),
  page_size: Type.Optional(Type.String({ description: 'Items per page (default 10, at most 100).', examples: ['10'] })),
});

/** Responses every route that needs a login can give. */
export const authErrorResponses = {
  401: detailAnswer('An unknown, revoked or malformed API token, with `WWW-Authenticate: Token`.', 'Invalid token.'),
  403: detailAnswer('Not logged in, or a missing or wrong CSRF token on an unsafe method.',
    'Authentication credentials were not provided.', 'CSRF Failed: CSRF token missing.'),
} as const;

/** OpenAPI security of a route anyone may call, where a caller with a session sends its CSRF token. */
export const OPTIONAL_SESSION: { [scheme: string]: string[] }[] = [{}, { sessionCookie: [], csrfToken: [] }];

/** The answer of a request that hashes a password while too many already wait to be hashed. */
export const HashingBusy = detailAnswer('Too many passwords are waiting to be hashed: try again after `Retry-After` seconds.',
  'Too many logins at once: try again in a moment.');
