import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export interface UserInfo {
  id: number;
  username: string;
  email: string;
}

/**
 * A client of the app through `app.inject`, keeping cookies like a browser or Postman does and
 * sending the CSRF token it was given at login as `X-CSRFToken` on unsafe methods.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;
  user: UserInfo | null = null;

  constructor(readonly app: FastifyInstance) {}

  async request(method: InjectOptions['method'], url: string, body?: unknown,
    headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.cookies.size > 0 && allHeaders.cookie === undefined) {
      allHeaders.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(String(method).toUpperCase());
    if (unsafe && this.csrfToken && allHeaders['x-csrftoken'] === undefined) allHeaders['x-csrftoken'] = this.csrfToken;
    const response = await this.app.inject({
      method, url, headers: allHeaders, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    });
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(url: string, headers?: Record<string, string>) { return this.request('GET', url, undefined, headers); }
  post(url: string, body?: unknown, headers?: Record<string, string>) { return this.request('POST', url, body, headers); }
  patch(url: string, body?: unknown, headers?: Record<string, string>) { return this.request('PATCH', url, body, headers); }
  delete(url: string, headers?: Record<string, string>) { return this.request('DELETE', url, undefined, headers); }

  async login(username: string, password = passwordFor(username)): Promise<LightMyRequestResponse> {
    const response = await this.post('/login/', { username, password });
    if (response.statusCode === 200) {
      this.csrfToken = response.json().csrf_token;
      this.user = response.json().user;
    }
    return response;
  }
}

export const passwordFor = (username: string) => `pw-${username}-long-enough`;

export async function register(app: FastifyInstance, username: string, email = `${username}@example.com`): Promise<UserInfo> {
  const response = await app.inject({ method: 'POST', url: '/register/', payload: { username, email, password: passwordFor(username) } });
  if (response.statusCode !== 201) throw new Error(`register ${username}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Registers and logs in a user: a client with its session cookie and CSRF token. */
export async function signUp(app: FastifyInstance, username: string): Promise<TestClient & { user: UserInfo }> {
  await register(app, username);
  const client = new TestClient(app);
  const response = await client.login(username);
  if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
  return client as TestClient & { user: UserInfo };
}

/** An API token for a registered user, from `POST /tokens/`. */
export async function issueToken(app: FastifyInstance, username: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/tokens/', payload: { username, password: passwordFor(username) } });
  if (response.statusCode !== 201) throw new Error(`token for ${username}: ${response.statusCode} ${response.body}`);
  return response.json().token;
}
