import { ipKey, parseIp, type IpAddress } from './ip-address.js';

/** One IP-to-tag registration as `show object registered-ip` lists it. */
export interface Registration {
  readonly ip: string;
  readonly tags: readonly string[];
}

interface Entry {
  readonly ip: string;
  readonly tags: Set<string>;
}

/** The User-ID IP-to-tag table that feeds dynamic address groups (no commit involved). */
export class RegisteredIps {
  private readonly entries = new Map<string, Entry>();

  /** Returns false when `ipText` is not an address. */
  register(ipText: string, tags: readonly string[]): boolean {
    const ip = parseIp(ipText);
    if (ip === undefined) return false;
    const key = ipKey(ip);
    const entry = this.entries.get(key) ?? { ip: ipText, tags: new Set<string>() };
    for (const tag of tags) entry.tags.add(tag);
    this.entries.set(key, entry);
    return true;
  }

  /** Removes the tags (all of them when `tags` is empty); the IP disappears with its last tag. */
  unregister(ipText: string, tags: readonly string[]): boolean {
    const ip = parseIp(ipText);
    if (ip === undefined) return false;
    const key = ipKey(ip);
    const entry = this.entries.get(key);
    if (entry === undefined) return true;
    if (tags.length === 0) entry.tags.clear();
    for (const tag of tags) entry.tags.delete(tag);
    if (entry.tags.size === 0) this.entries.delete(key);
    return true;
  }

  tagsOf(ip: IpAddress): ReadonlySet<string> {
    return this.entries.get(ipKey(ip))?.tags ?? new Set();
  }

  list(): Registration[] {
    return [...this.entries.values()].map((entry) => ({ ip: entry.ip, tags: [...entry.tags] }));
  }
}
