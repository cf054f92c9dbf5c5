/**
 * A `fetch` for the calls the HTTP clients make (method, headers, a text body, an abort signal), over node:https
 * with the connection's own TLS trust: Node's global fetch takes no per-request CA, so `--ca-file` and
 * `--insecure` would otherwise be impossible to honour for one connection only. Redirects are refused, as the
 * clients ask (`redirect: 'error'`); no other fetch feature is offered.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TlsTrust } from './tls-trust.js';

/** Statuses whose response has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** A fetch whose HTTPS requests trust exactly `trust` (its CA, or nothing with `insecure`). */
export function trustingFetch(trust: TlsTrust): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const body = typeof init.body === 'string' ? init.body : undefined;
      if (init.body !== undefined && init.body !== null && body === undefined) {
        reject(new TypeError('trustingFetch sends text bodies only'));
        return;
      }
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          ...(url.protocol === 'https:' ? { rejectUnauthorized: !trust.insecure, ...(trust.ca !== undefined ? { ca: trust.ca } : {}) } : {}),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            res.resume();
            req.destroy(Object.assign(new Error(`HTTP ${status}: redirects are not followed`), { code: 'REDIRECT_REFUSED' }));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, headers: responseHeaders(res) }));
          });
          res.on('error', reject);
        },
      );
      const onAbort = (): void => {
        req.destroy(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      req.end(body);
    })) as typeof fetch;
}
