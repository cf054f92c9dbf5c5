/**
 * Where Halo API credentials come from, and the API base URL. Credentials are only ever handed to the token
 * request: nothing here prints or logs them, and errors name the file and line, never their content.
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../../model/index.js';
import { readInputFile } from '../read-input.js';

/** The public Halo API. Portal regions and on-premise grids use other hosts: `--halo-url` / `HALO_API_URL`. */
export const DEFAULT_HALO_URL = 'https://api.cloudpassage.com';
/** The seed tool's credentials file, read from the working directory when it exists and nothing else is given. */
export const DEFAULT_AUTH_FILE = 'transform.auth';

/** An API key: its id and secret, and where they were found (for messages; never the values). */
export interface HaloCredentials {
  readonly keyId: string;
  readonly secret: string;
  /** `file transform.auth` or `environment (HALO_API_KEY_ID)`. */
  readonly source: string;
}

/** The connection settings a Halo client is built from (a subset of the CLI's global options). */
export interface HaloConnectOptions {
  /** `--halo-url`. */
  readonly haloUrl?: string;
  /** `--auth FILE`. */
  readonly auth?: string;
  readonly caFile?: string;
  readonly insecure?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The API base URL: `--halo-url`, else `HALO_API_URL`, else the public API. Checked to be http(s), without
 * credentials, query or fragment, and without a trailing slash.
 */
export function haloBaseUrl(opts: HaloConnectOptions, env: Env = process.env): string {
  const field = opts.haloUrl !== undefined ? '--halo-url' : 'HALO_API_URL';
  const raw = (opts.haloUrl ?? env.HALO_API_URL ?? DEFAULT_HALO_URL).trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError({ field }, `${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError({ field }, `${JSON.stringify(raw)} is not an http(s) URL`);
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError({ field }, 'give the API base URL only (no credentials, query or fragment)');
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * The API key: `--auth FILE`, else `HALO_API_KEY_ID` + `HALO_API_SECRET_KEY`, else `transform.auth` in the
 * working directory when it exists.
 * @param warn receives a warning when the file is readable by group or others.
 * @throws InputError naming what is missing or malformed.
 */
export async function loadHaloCredentials(opts: HaloConnectOptions, warn: (message: string) => void, env: Env = process.env): Promise<HaloCredentials> {
  if (opts.auth !== undefined) return readAuthFile(opts.auth, warn);
  const keyId = env.HALO_API_KEY_ID?.trim();
  const secret = env.HALO_API_SECRET_KEY?.trim();
  if (keyId && secret) return { keyId, secret, source: 'environment (HALO_API_KEY_ID, HALO_API_SECRET_KEY)' };
  if (keyId || secret) {
    const missing = keyId ? 'HALO_API_SECRET_KEY' : 'HALO_API_KEY_ID';
    throw new InputError({ object: 'Halo credentials' }, `${missing} is not set (both HALO_API_KEY_ID and HALO_API_SECRET_KEY are needed)`);
  }
  if (await exists(DEFAULT_AUTH_FILE)) return readAuthFile(DEFAULT_AUTH_FILE, warn);
  throw new InputError(
    { object: 'Halo credentials' },
    `none found: pass --auth FILE (lines "key_id|secret"), set HALO_API_KEY_ID and HALO_API_SECRET_KEY, or put ${DEFAULT_AUTH_FILE} in the working directory`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readAuthFile(path: string, warn: (message: string) => void): Promise<HaloCredentials> {
  const text = await readInputFile(path);
  if (process.platform !== 'win32') {
    const { mode } = await stat(path);
    if ((mode & 0o044) !== 0) {
      warn(`${path} holds an API secret and is readable by ${(mode & 0o004) !== 0 ? 'others' : 'its group'} (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}`);
    }
  }
  return { ...parseAuthFile(text, path), source: `file ${path}` };
}

/**
 * The seed's format: one `key_id|secret` per line, `#` comment lines and blank lines ignored; the first key is
 * used. Errors name the line, never its content.
 */
export function parseAuthFile(text: string, file: string): { keyId: string; secret: string } {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const bar = line.indexOf('|');
    const keyId = bar < 0 ? '' : line.slice(0, bar).trim();
    const secret = bar < 0 ? '' : line.slice(bar + 1).trim();
    if (!keyId || !secret) throw new InputError({ file, object: `line ${i + 1}` }, 'expected "key_id|secret"');
    return { keyId, secret };
  }
  throw new InputError({ file }, 'holds no key (expected a line "key_id|secret")');
}
