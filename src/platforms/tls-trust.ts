/**
 * Which certificates a connection to a firewall or policy API trusts: the system's CAs (the default), those of
 * `--ca-file`, or none at all with `--insecure` — an explicit opt-out, warned about on every run.
 */
import { InputError } from '../model/index.js';
import { plainHttpTlsWarning, type TlsFlags } from './plain-http.js';
import { readInputFile } from './read-input.js';

/** TLS trust for a connection. */
export interface TlsTrust {
  /** PEM text of the CA bundle, when `--ca-file` is given. */
  readonly ca?: string;
  readonly insecure: boolean;
}

/**
 * Reads `--ca-file`; `--insecure` is honoured with a warning naming `risk`. Over plain HTTP (`baseUrl` http://)
 * neither has any effect, which is said instead.
 * @param risk what an unverified connection exposes, for the warning.
 * @throws InputError when both flags are given, or the CA file holds no certificate.
 */
export async function loadTlsTrust(flags: TlsFlags, warn: (message: string) => void, baseUrl: string, risk: string): Promise<TlsTrust> {
  if (flags.insecure && flags.caFile !== undefined) throw new InputError({ field: '--insecure' }, 'contradicts --ca-file: give one of them');
  const plain = plainHttpTlsWarning(baseUrl, flags);
  if (plain !== undefined) {
    warn(plain);
    return { insecure: false };
  }
  if (flags.insecure) {
    warn(`--insecure: ${risk}`);
    return { insecure: true };
  }
  if (flags.caFile === undefined) return { insecure: false };
  const ca = await readInputFile(flags.caFile);
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new InputError({ file: flags.caFile }, 'holds no PEM certificate');
  return { ca, insecure: false };
}
