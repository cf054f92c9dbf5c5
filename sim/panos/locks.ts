import { contention } from './errors.js';

/** Config lock: blocks other admins' edits. Commit lock: blocks other admins' commits. */
export type LockKind = 'config' | 'commit';

export interface LockHolder {
  readonly admin: string;
  readonly comment: string;
  readonly since: Date;
}

function heldMessage(kind: LockKind, admin: string): string {
  switch (kind) {
    case 'config':
      return `Configuration is locked by ${admin}`;
    case 'commit':
      return `Commit lock is already held by ${admin}`;
    default: {
      const exhaustive: never = kind;
      throw new Error(`unhandled lock kind ${String(exhaustive)}`);
    }
  }
}

/** The device's two administrator locks (one scope: the simulator has a single vsys context). */
export class LockTable {
  private readonly held = new Map<LockKind, LockHolder>();

  holder(kind: LockKind): LockHolder | undefined {
    return this.held.get(kind);
  }

  /** Takes a lock; a lock already held (by anyone) is refused with the device's message. */
  add(kind: LockKind, admin: string, comment: string): string {
    const current = this.held.get(kind);
    if (current !== undefined) {
      if (kind === 'config' && current.admin === admin) throw contention(`You already own a config lock (${admin})`);
      throw contention(heldMessage(kind, current.admin));
    }
    this.held.set(kind, { admin, comment, since: new Date() });
    return kind === 'config'
      ? 'Successfully acquired lock. Other administrators will not be able to modify configuration until lock is released'
      : 'Successfully acquired commit lock. Other administrators will not be able to commit until lock is released';
  }

  /** Releases the caller's lock, or `owner`'s when named (all simulated admins are superusers). */
  remove(kind: LockKind, admin: string, owner?: string): string {
    const current = this.held.get(kind);
    if (current === undefined) {
      throw contention(kind === 'config' ? 'Config is not currently locked' : 'Commit lock is not currently held');
    }
    if (current.admin !== (owner ?? admin)) throw contention(heldMessage(kind, current.admin));
    this.held.delete(kind);
    return kind === 'config' ? 'Successfully released lock' : 'Successfully released commit lock';
  }

  /** Test control: set or clear a lock without the API's checks. */
  force(kind: LockKind, admin: string | undefined): void {
    if (admin === undefined) this.held.delete(kind);
    else this.held.set(kind, { admin, comment: '', since: new Date() });
  }

  assertMayEdit(admin: string): void {
    const lock = this.held.get('config');
    if (lock !== undefined && lock.admin !== admin) throw contention(heldMessage('config', lock.admin));
  }

  assertMayCommit(admin: string): void {
    const lock = this.held.get('commit');
    if (lock !== undefined && lock.admin !== admin) throw contention(heldMessage('commit', lock.admin));
  }
}
