/**
 * A test "browser" over app.inject: it keeps cookies between requests, and sends forms the way a
 * page would (our Origin, the CSRF token of its cookie).
 */
import { randomInt } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { hmac } from '../src/platform/crypto.js';
import { TEST_SECRET } from './test-app.js';

export class Agent {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly app: FastifyInstance,
    // Each agent its own address: rate limits per address must not leak between tests.
    readonly ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
    private readonly origin = 'http://localhost:3000',
  ) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      const expired = cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0) || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, remoteAddress: this.ip, headers: { accept: 'text/html', cookie: this.cookieHeader, ...headers } });
    this.remember(response);
    return response;
  }

  /** Posts a form as a page of ours would; ensures a CSRF cookie first. */
  async post(url: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    if (!this.cookies.has('habilis_csrf')) await this.get('/health/live').then(() => this.get('/'));
    const token = hmac(Buffer.from(TEST_SECRET), `csrf:${this.cookies.get('habilis_csrf')}`);
    const response = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      headers: { accept: 'text/html', origin: this.origin, cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    });
    this.remember(response);
    return response;
  }
}
