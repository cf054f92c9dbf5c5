/**
 * A deliberately thin HTTP client for the conformance tests: raw status, headers and JSON, no retries, so
 * each test sees exactly what the simulator sent.
 */
import type { HaloApiKey } from '../../../sim/halo/index.js';

export interface HttpResult<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export async function request<T = any>(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token !== undefined) headers['Authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export function basic(key: Pick<HaloApiKey, 'keyId' | 'secret'>): string {
  return `Basic ${Buffer.from(`${key.keyId}:${key.secret}`).toString('base64')}`;
}

export async function fetchToken(baseUrl: string, key: Pick<HaloApiKey, 'keyId' | 'secret'>): Promise<string> {
  const res = await request(`${baseUrl}/oauth/access_token?grant_type=client_credentials`, {
    method: 'POST',
    headers: { Authorization: basic(key) },
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  return res.body.access_token as string;
}

/** A client bound to a simulator and a token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    public token: string,
  ) {}

  static async connect(baseUrl: string, key: Pick<HaloApiKey, 'keyId' | 'secret'>): Promise<Api> {
    return new Api(baseUrl, await fetchToken(baseUrl, key));
  }

  private url(path: string): string {
    return path.startsWith('http') ? path : `${this.baseUrl}${path}`;
  }

  get<T = any>(path: string): Promise<HttpResult<T>> {
    return request<T>(this.url(path), { token: this.token });
  }

  post<T = any>(path: string, body: unknown): Promise<HttpResult<T>> {
    return request<T>(this.url(path), { method: 'POST', token: this.token, body });
  }

  put<T = any>(path: string, body: unknown): Promise<HttpResult<T>> {
    return request<T>(this.url(path), { method: 'PUT', token: this.token, body });
  }

  delete<T = any>(path: string): Promise<HttpResult<T>> {
    return request<T>(this.url(path), { method: 'DELETE', token: this.token });
  }

  /** Follows `pagination.next` to the end; returns every page's body. */
  async walk(path: string): Promise<any[]> {
    const pages: any[] = [];
    let next: string | undefined = path;
    while (next) {
      const res: HttpResult = await this.get(next);
      if (res.status !== 200) throw new Error(`GET ${next}: ${res.status}`);
      pages.push(res.body);
      next = res.body.pagination?.next;
    }
    return pages;
  }
}
