import createFetchClient, { type Middleware } from 'openapi-fetch';
import { ApiError, type ErrorBody } from './errors.js';
import type { paths } from './schema.js';

/** The API's calls, typed from its OpenAPI document: `api.GET('/conversations/')`, `api.POST('/messages/', ...)`. */
export type Api = ReturnType<typeof createFetchClient<paths>>;

type User = paths['/me/']['get']['responses'][200]['content']['application/json'];

export interface ApiClientOptions {
  /** Where the service is, e.g. `http://127.0.0.1:8000`; in a browser page served by it, its origin. */
  baseUrl: string;
  /** An API token from `POST /tokens/`: requests carry it, and need no session or CSRF token. */
  token?: string;
  /** The fetch to use (tests, other runtimes); the global one by default. */
  fetch?: typeof fetch;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const CSRF_COOKIE = 'csrftoken';

/**
 * A client of the API, authenticated with a session or an API token.
 *
 * With a session, it keeps the CSRF token the login answered with (in a browser it can also read the
 * `csrftoken` cookie) and sends it as `X-CSRFToken` with every unsafe request. A browser keeps the
 * cookies itself; elsewhere (Node) the client keeps them, so that one client is one session.
 */
export function createApiClient(options: ApiClientOptions) {
  let token = options.token ?? null;
  let csrfToken: string | null = null;
  const inBrowser = pageDocument() !== undefined;
  /** The cookies the service set, outside a browser. */
  const cookies = new Map<string, string>();

  const authentication: Middleware = {
    onRequest({ request }) {
      if (token !== null) {
        request.headers.set('Authorization', `Token ${token}`);
        return request;
      }
      if (!inBrowser && cookies.size > 0) request.headers.set('Cookie', cookieHeader());
      const csrf = csrfToken ?? browserCookie(CSRF_COOKIE);
      if (!SAFE_METHODS.has(request.method) && csrf !== null) request.headers.set('X-CSRFToken', csrf);
      return request;
    },
    onResponse({ response }) {
      if (!inBrowser) keepCookies(response.headers.getSetCookie?.() ?? []);
      return response;
    },
  };

  function keepCookies(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const cut = pair.indexOf('=');
      if (cut < 0) continue;
      const name = pair.slice(0, cut).trim();
      const value = pair.slice(cut + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(attribute)
        || (/^\s*expires\s*=/i.test(attribute) && Date.parse(attribute.split('=').slice(1).join('=')) <= Date.now()));
      if (expired || value === '' || value === '""') cookies.delete(name);
      else cookies.set(name, value);
    }
  }

  function cookieHeader(): string {
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  const api = createFetchClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  api.use(authentication);

  return {
    api,

    /** Logs in by username or email: the client then uses the session. */
    async login(username: string, password: string): Promise<User> {
      const answer = await api.POST('/login/', { body: { username, password } });
      const data = unwrap(answer);
      token = null;
      csrfToken = data.csrf_token;
      return data.user;
    },

    /** Registers an account (it does not log in). */
    async register(username: string, email: string, password: string): Promise<User> {
      return unwrap(await api.POST('/register/', { body: { username, email, password } }));
    },

    /** Ends the session on the server and forgets it here. */
    async logout(): Promise<void> {
      unwrap(await api.POST('/logout/'));
      csrfToken = null;
      cookies.clear();
    },

    /** Makes an API token with these credentials and uses it from now on, instead of any session. */
    async useNewToken(username: string, password: string): Promise<string> {
      const data = unwrap(await api.POST('/tokens/', { body: { username, password } }));
      token = data.token;
      return data.token;
    },

    /** The API token in use, or null with a session. */
    get token(): string | null {
      return token;
    },

    /** The Cookie header of the session outside a browser (a WebSocket opened from Node needs it). */
    cookieHeader,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** What every call of `api` answers. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer; an ApiError with the DRF-shaped body of any other. */
export function unwrap<T>(answer: Answer<T>): T {
  const { response } = answer;
  if (response.ok) return answer.data as T;
  const retryAfter = Number(response.headers.get('retry-after'));
  const body = isErrorBody(answer.error) ? answer.error : { detail: `HTTP ${response.status}` };
  throw new ApiError(response.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The page's document, in a browser. */
function pageDocument(): { cookie: string } | undefined {
  return (globalThis as { document?: { cookie: string } }).document;
}

/** A cookie the page can read (only in a browser). */
function browserCookie(name: string): string | null {
  const page = pageDocument();
  if (page === undefined) return null;
  for (const part of page.cookie.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}
