/**
 * API keys and bearer tokens. A key is full-access or read-only; a token inherits its key's access and
 * expires after the configured TTL (or at once, when a test calls expireTokens()).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HaloHttpError } from './errors.js';
import type { SimClock } from './clock.js';
import type { WireToken } from './wire-types.js';

export type KeyAccess = 'full' | 'read-only';

/** An API key the simulator accepts. */
export interface HaloApiKey {
  readonly keyId: string;
  readonly secret: string;
  readonly access: KeyAccess;
}

/** The keys a simulator started with none configured accepts. Printed by `ruleport sim halo`. */
export const DEFAULT_KEYS: readonly HaloApiKey[] = [
  { keyId: 'sim-full-access', secret: 'sim-full-access-secret', access: 'full' },
  { keyId: 'sim-read-only', secret: 'sim-read-only-secret', access: 'read-only' },
];

/** Who made an authenticated request. */
export interface Principal {
  readonly keyId: string;
  readonly access: KeyAccess;
}

interface TokenRecord {
  readonly principal: Principal;
  readonly expiresAt: number;
}

/** The 401 every bearer failure gets: missing, unknown, expired or revoked token. */
function invalidToken(): HaloHttpError {
  return new HaloHttpError(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
}

function invalidClient(): HaloHttpError {
  return new HaloHttpError(401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="Halo API"' });
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Auth {
  private readonly keys: HaloApiKey[] = [];
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    private readonly clock: SimClock,
    private readonly ttlSeconds: number,
  ) {}

  addKey(key: HaloApiKey): void {
    if (this.keys.some((k) => k.keyId === key.keyId)) throw new Error(`duplicate API key id ${key.keyId}`);
    this.keys.push(key);
  }

  allKeys(): readonly HaloApiKey[] {
    return this.keys;
  }

  /**
   * `Authorization: Basic base64(key_id:secret)` → a token. Anything wrong with the credentials is a 401:
   * the response must not tell a caller which half was wrong.
   */
  issue(authorization: string | undefined): WireToken {
    const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) throw invalidClient();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient();
    const keyId = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const key = this.keys.find((k) => k.keyId === keyId);
    if (!key || !sameSecret(key.secret, secret)) throw invalidClient();
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, {
      principal: { keyId: key.keyId, access: key.access },
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
    });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: this.ttlSeconds,
      scope: key.access === 'full' ? 'read+write' : 'read',
    };
  }

  /** `Authorization: Bearer <token>` → the principal, or 401 `{"error":"invalid_token"}`. */
  authenticate(authorization: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) throw invalidToken();
    const record = this.tokens.get(token);
    if (!record) throw invalidToken();
    if (this.clock.now() >= record.expiresAt) {
      this.tokens.delete(token);
      throw invalidToken();
    }
    return record.principal;
  }

  /** Every token issued so far stops working. */
  expireAll(): void {
    this.tokens.clear();
  }
}
