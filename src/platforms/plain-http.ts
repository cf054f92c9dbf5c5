/**
 * TLS flags for an endpoint reached over plain HTTP: `--ca-file` and `--insecure` then change nothing, and the
 * API key crosses the network in clear. Both are worth one line, because a user who gave a TLS flag believed
 * the connection was encrypted.
 */

/** The TLS flags a connection may carry. */
export interface TlsFlags {
  readonly caFile?: string;
  readonly insecure?: boolean;
}

/** The warning for TLS flags given with a plain-HTTP `baseUrl`; undefined when there is none to give. */
export function plainHttpTlsWarning(baseUrl: string, flags: TlsFlags): string | undefined {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:') return undefined;
  const given = [...(flags.caFile !== undefined ? ['--ca-file'] : []), ...(flags.insecure ? ['--insecure'] : [])];
  if (given.length === 0) return undefined;
  return `${given.join(' and ')} ${given.length === 1 ? 'has' : 'have'} no effect: ${url.origin} is plain HTTP (no TLS), so the API key travels unencrypted`;
}
