/**
 * Where a firewall is and how ruleport proves who it is: `panos:TARGET[/vsysN]` targets, the API key (a file,
 * `PANOS_API_KEY`, or generated from `--user` and `PANOS_PASSWORD`), and the TLS trust settings. Nothing here
 * prints or logs a key or a password; errors name the file or variable, never the value.
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../../model/index.js';
import { checkVsysName } from './xpath.js';
import { loadTlsTrust, type TlsTrust } from '../tls-trust.js';
import { readInputFile } from '../read-input.js';

export const PANOS_LOCATION_SYNTAX = 'panos:HOST[:PORT][/vsysN] | panos:http(s)://HOST:PORT[/vsysN]';

/** A firewall's API endpoint and the virtual system a location names. */
export interface PanosTarget {
  /** `https://fw.example.com` or `http://127.0.0.1:8080`, no trailing slash. */
  readonly baseUrl: string;
  readonly vsys: string;
  /** As written (for messages and policy names): `fw.example.com/vsys1`. */
  readonly label: string;
}

/**
 * Parses the part after `panos:`: `host`, `host:port`, `[v6]:port` or `http(s)://host:port`, then `/vsysN`
 * (default vsys1). HTTPS unless `http://` is written.
 * @throws InputError naming the location when it is none of these.
 */
export function parsePanosTarget(spec: string): PanosTarget {
  const text = spec.trim();
  // Userinfo or a query can only be a credential put in the wrong place: refused without echoing it.
  if (/[@?#]/.test(text)) {
    throw new InputError({ file: 'panos:' }, `a location names ${PANOS_LOCATION_SYNTAX} only: no user, password, key or query (credentials go in --api-key-file, PANOS_API_KEY or --user)`);
  }
  const where = { file: `panos:${spec}` };
  const m = /^(?:(https?):\/\/)?([^/]+?)(?:\/(vsys[^/]*))?\/?$/i.exec(text);
  if (!m || m[2] === undefined || m[2] === '') throw new InputError(where, `expected ${PANOS_LOCATION_SYNTAX}`);
  const scheme = (m[1] ?? 'https').toLowerCase();
  let url: URL;
  try {
    url = new URL(`${scheme}://${m[2]}`);
  } catch {
    throw new InputError(where, `${JSON.stringify(m[2])} is not a host or host:port`);
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || url.hostname === '') {
    throw new InputError(where, `${JSON.stringify(m[2])} is not a host or host:port (no paths)`);
  }
  const vsys = m[3] === undefined ? 'vsys1' : checkVsysName(m[3]);
  return { baseUrl: url.origin, vsys, label: `${url.host}/${vsys}` };
}

/** The settings a client is built from (a subset of the CLI's global flags). */
export interface PanosConnectOptions {
  /** `--api-key-file FILE`. */
  readonly apiKeyFile?: string;
  /** `--user NAME`: generate a key with this user and `PANOS_PASSWORD`. */
  readonly user?: string;
  /** `--ca-file FILE`: PEM bundle the firewall's certificate must chain to. */
  readonly caFile?: string;
  /** `--insecure`: no certificate verification (explicit; warned about). */
  readonly insecure?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** How the client authenticates: a key, or a user/password to exchange for one (`type=keygen`) on first use. */
export type PanosAuth =
  | { readonly kind: 'key'; readonly key: string; readonly source: string }
  | { readonly kind: 'password'; readonly user: string; readonly password: string; readonly source: string };

/**
 * The credentials: `--api-key-file`, else `--user` with `PANOS_PASSWORD` (the key is generated, never stored),
 * else `PANOS_API_KEY`.
 * @param warn receives a warning when the key file is readable by group or others.
 */
export async function loadPanosAuth(opts: PanosConnectOptions, warn: (message: string) => void, env: Env = process.env): Promise<PanosAuth> {
  if (opts.apiKeyFile !== undefined && opts.user !== undefined) {
    throw new InputError({ field: '--user' }, 'give --api-key-file or --user (password in PANOS_PASSWORD), not both');
  }
  if (opts.apiKeyFile !== undefined) {
    const file = opts.apiKeyFile;
    const text = await readInputFile(file);
    if (process.platform !== 'win32') {
      const { mode } = await stat(file);
      if ((mode & 0o044) !== 0) warn(`${file} holds a PAN-OS API key and is readable by ${(mode & 0o004) !== 0 ? 'others' : 'its group'} (mode ${(mode & 0o777).toString(8)}): chmod 600 ${file}`);
    }
    const key = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
    if (key === undefined) throw new InputError({ file }, 'holds no API key (expected the key on one line)');
    checkKeyText(key, { file });
    return { kind: 'key', key, source: `file ${file}` };
  }
  if (opts.user !== undefined) {
    const password = env.PANOS_PASSWORD;
    if (password === undefined || password === '') {
      throw new InputError({ field: '--user' }, 'needs the password in PANOS_PASSWORD (it is never taken from the command line)');
    }
    return { kind: 'password', user: opts.user, password, source: `user ${opts.user} (password from PANOS_PASSWORD)` };
  }
  const key = env.PANOS_API_KEY?.trim();
  if (key) {
    checkKeyText(key, { field: 'PANOS_API_KEY' });
    return { kind: 'key', key, source: 'environment (PANOS_API_KEY)' };
  }
  throw new InputError(
    { object: 'PAN-OS credentials' },
    'none found: pass --api-key-file FILE, set PANOS_API_KEY, or pass --user NAME with the password in PANOS_PASSWORD',
  );
}

/** A key travels in an HTTP header: it must be one line of printable characters. */
function checkKeyText(key: string, where: { file?: string; field?: string }): void {
  if (!/^[\x21-\x7e]+$/.test(key)) throw new InputError(where, 'the API key holds spaces or control characters');
}

/**
 * Reads `--ca-file`; `--insecure` is honoured with a warning. Over plain HTTP (`baseUrl` http://) neither has any
 * effect, which is said instead.
 */
export function loadPanosTls(opts: PanosConnectOptions, warn: (message: string) => void, baseUrl: string): Promise<TlsTrust> {
  return loadTlsTrust(opts, warn, baseUrl, 'the firewall certificate is NOT verified; anyone on the path can read the API key and change the firewall');
}
