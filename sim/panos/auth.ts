import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidCredential } from './errors.js';

/** How a request presented its credentials (the three transports the reference lists). */
export interface Credentials {
  /** `X-PAN-KEY` header. */
  readonly headerKey?: string;
  /** `key=` parameter (query string or form body). */
  readonly paramKey?: string;
  /** HTTP Basic user and password. */
  readonly basic?: { readonly user: string; readonly password: string };
}

function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * Users and their API keys. A key is derived from the user, the password and a per-device secret,
 * so keygen returns the same key each time (as a device does until its master key changes) and a
 * key never reveals the password.
 */
export class KeyStore {
  private readonly secret = randomBytes(16).toString('hex');
  private readonly keys = new Map<string, string>();

  constructor(private readonly users: Readonly<Record<string, string>>) {
    for (const [user, password] of Object.entries(users)) this.keys.set(this.derive(user, password), user);
  }

  private derive(user: string, password: string): string {
    const digest = createHash('sha256').update(`${this.secret}\u0000${user}\u0000${password}`).digest('base64');
    // Device keys conventionally start with LUFRPT; clients sometimes log only that prefix.
    return `LUFRPT${digest}`;
  }

  private passwordOk(user: string, password: string): boolean {
    const expected = Object.prototype.hasOwnProperty.call(this.users, user) ? this.users[user] : undefined;
    return expected !== undefined && sameSecret(expected, password);
  }

  /** `type=keygen`: the user's key, or HTTP 403 "Invalid Credential". */
  keygen(user: string, password: string): string {
    if (!this.passwordOk(user, password)) throw invalidCredential();
    return this.derive(user, password);
  }

  /**
   * The admin a request acts as. Header beats parameter beats Basic; a key that is present but
   * wrong is refused even when Basic credentials would have been good.
   */
  authenticate(credentials: Credentials): string {
    const key = credentials.headerKey ?? credentials.paramKey;
    if (key !== undefined) {
      const user = this.keys.get(key);
      if (user === undefined) throw invalidCredential();
      return user;
    }
    const basic = credentials.basic;
    if (basic !== undefined && this.passwordOk(basic.user, basic.password)) return basic.user;
    throw invalidCredential();
  }
}
