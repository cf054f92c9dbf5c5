import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { routeApiRequest, type ApiRequest } from './api-router.js';
import type { Credentials } from './auth.js';
import type { FaultInjector } from './fault-injection.js';
import type { PanosDevice } from './panos-device.js';

/** One API call as the test control surface records it: never the key, password or element. */
export interface RequestLogEntry {
  readonly type: string;
  readonly action: string | undefined;
  readonly xpath?: string;
  readonly cmd?: string;
  readonly admin?: string;
  readonly httpStatus: number;
}

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly log?: (line: string) => void;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** The request log keeps the most recent calls only, so a long-lived simulator does not grow without bound. */
export const REQUEST_LOG_LIMIT = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Request Entity Too Large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function credentialsOf(req: IncomingMessage, params: ReadonlyMap<string, string>): Credentials {
  const header = req.headers['x-pan-key'];
  const headerKey = Array.isArray(header) ? header[0] : header;
  const paramKey = params.get('key');
  let basic: Credentials['basic'];
  const authorization = req.headers.authorization;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon !== -1) basic = { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return {
    ...(headerKey === undefined ? {} : { headerKey }),
    ...(paramKey === undefined ? {} : { paramKey }),
    ...(basic === undefined ? {} : { basic }),
  };
}

async function parametersOf(req: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) if (!params.has(key)) params.set(key, value);
  if (req.method === 'POST') {
    const contentType = req.headers['content-type'] ?? 'application/x-www-form-urlencoded';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new HttpError(415, `Unsupported Media Type: ${contentType}`);
    }
    // Body parameters win over query parameters of the same name.
    const body = new URLSearchParams(await readBody(req));
    const seen = new Set<string>();
    for (const [key, value] of body) {
      if (seen.has(key)) continue;
      seen.add(key);
      params.set(key, value);
    }
  }
  return params;
}

function writePlain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=UTF-8' });
  res.end(`<html><head><title>${status} ${message}</title></head><body><h1>${status} ${message}</h1></body></html>`);
}

/** Where requests are logged and faults taken from. */
export interface ServerHooks {
  readonly device: PanosDevice;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLogEntry[];
}

/** The HTTP(S) front end: `/api/` only, GET query strings and form-urlencoded POSTs. */
export async function startServer(hooks: ServerHooks, options: ServerOptions): Promise<{ server: Server; port: number }> {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (!res.headersSent) writePlain(res, status, error instanceof HttpError ? error.message : 'Internal Server Error');
      else res.destroy();
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/' && url.pathname !== '/api') return writePlain(res, 404, 'Not Found');
    if (req.method !== 'GET' && req.method !== 'POST') return writePlain(res, 405, 'Method Not Allowed');
    const params = await parametersOf(req, url);
    const type = params.get('type') ?? '';
    const action = params.get('action');
    const xpath = params.get('xpath');
    const cmd = params.get('cmd');
    const record = (httpStatus: number, admin?: string): void => {
      if (hooks.requestLog.length >= REQUEST_LOG_LIMIT) hooks.requestLog.shift();
      hooks.requestLog.push({
        type,
        action,
        ...(xpath === undefined ? {} : { xpath }),
        ...(cmd === undefined ? {} : { cmd }),
        ...(admin === undefined ? {} : { admin }),
        httpStatus,
      });
      options.log?.(
        `${req.method ?? ''} /api/ type=${type}${action === undefined ? '' : ` action=${action}`}${xpath === undefined ? '' : ` xpath=${xpath}`} -> ${httpStatus}${admin === undefined ? '' : ` (${admin})`}`,
      );
    };
    const fault = hooks.faults.take();
    if (fault !== undefined) {
      record(fault);
      return writePlain(res, fault, 'Injected Fault');
    }
    const request: ApiRequest = { params, credentials: credentialsOf(req, params) };
    const { response, admin } = routeApiRequest(hooks.device, request);
    record(response.httpStatus, admin);
    res.writeHead(response.httpStatus, { 'content-type': response.contentType });
    res.end(response.body);
  };

  const server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
