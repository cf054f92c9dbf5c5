/**
 * The node:http layer: reads the body, applies injected faults, authenticates, routes, writes JSON and logs.
 * Order matters and mirrors a real front end: faults (load balancer, rate limiter) → token endpoint →
 * bearer check (401) → read-only check (403) → routing (404/405) → handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from './core.js';
import { badRequest, HaloHttpError, statusBody, statusError } from './errors.js';
import { redactQuery, type RequestLogEntry } from './request-log.js';
import { ROUTES } from './routes/index.js';
import { Router, type Method, type Reply } from './router.js';

/** Largest request body accepted; a policy with thousands of rules fits easily. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_PATH = '/oauth/access_token';

export interface HttpLayerHooks {
  readonly onRequest: (entry: RequestLogEntry) => void;
  /** Unexpected exceptions (bugs), reported so tests see them rather than a bare 500. */
  readonly onError: (error: unknown) => void;
}

class BodyTooLarge extends Error {}
/** The client went away (or sent garbage framing) mid-body: its problem, not a simulator bug. */
class BodyUnreadable extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) throw error;
    throw new BodyUnreadable();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest('request body is not valid JSON');
  }
}

/** `http://<Host header>`: URLs in responses point where the client actually connected. */
function baseUrlOf(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : fallback;
}

export function createRequestHandler(core: SimCore, hooks: HttpLayerHooks): (req: IncomingMessage, res: ServerResponse) => void {
  const router = new Router(ROUTES);

  function dispatch(req: IncomingMessage, raw: string, url: URL): Reply {
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const fault = core.faults.take(method, pathname);
    if (fault) throw fault;

    if (pathname === TOKEN_PATH) {
      if (method !== 'POST') throw statusError(405, 'use POST', { Allow: 'POST' });
      // grant_type belongs in the query; a form-encoded body is accepted too, as OAuth clients often send it there.
      const grant = url.searchParams.get('grant_type') ?? new URLSearchParams(raw).get('grant_type');
      if (grant !== 'client_credentials') {
        throw new HaloHttpError(400, { error: 'unsupported_grant_type' });
      }
      return { status: 200, body: core.auth.issue(req.headers.authorization), headers: { 'Cache-Control': 'no-store' } };
    }

    const principal = core.auth.authenticate(req.headers.authorization);
    if (method !== 'GET' && principal.access === 'read-only') {
      throw statusError(403, 'this API key is read-only: only GET requests are allowed');
    }
    const match = router.match(method, pathname);
    switch (match.kind) {
      case 'not-found':
        throw new HaloHttpError(404, { resource: 'route', field: 'path', value: pathname });
      case 'method-not-allowed':
        throw statusError(405, `allowed: ${match.allowed.join(', ')}`, { Allow: match.allowed.join(', ') });
      case 'found':
        break;
      default: {
        const never: never = match;
        throw new Error(`unknown route match ${JSON.stringify(never)}`);
      }
    }
    core.scans.settle();
    const baseUrl = baseUrlOf(req, core.url);
    return match.handler({
      core,
      method: method as Method,
      params: match.params,
      query: url.searchParams,
      body: method === 'POST' || method === 'PUT' ? parseJson(raw) : undefined,
      pathname,
      baseUrl,
      view: core.view(baseUrl),
    });
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers);
    res.end(text);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const time = new Date(core.clock.now()).toISOString();
    void (async () => {
      let reply: Reply;
      try {
        const raw = await readBody(req);
        reply = dispatch(req, raw, url);
      } catch (error) {
        if (error instanceof HaloHttpError) {
          reply = { status: error.status, body: error.body, headers: error.headers };
        } else if (error instanceof BodyTooLarge) {
          reply = { status: 413, body: statusBody(413), headers: { Connection: 'close' } };
        } else if (error instanceof BodyUnreadable) {
          reply = { status: 400, body: statusBody(400, 'request body could not be read'), headers: { Connection: 'close' } };
        } else {
          hooks.onError(error);
          reply = { status: 500, body: statusBody(500) };
        }
      }
      if (!res.headersSent && !res.destroyed) send(res, reply);
      hooks.onRequest({
        time,
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: redactQuery(url.searchParams),
        status: reply.status,
      });
    })();
  };
}
