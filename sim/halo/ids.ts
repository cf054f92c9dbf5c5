/**
 * Halo object ids are 32 lowercase hex characters. The simulator derives them from a per-instance counter so a
 * run with the same seed and the same requests produces the same ids (reproducible fixtures and failures).
 */
import { createHash } from 'node:crypto';

function hex32(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export class IdGenerator {
  private counter = 0;

  next(kind: string): string {
    this.counter += 1;
    return hex32(`halo-sim:${kind}:${this.counter}`);
  }
}

/** Ids of system objects: the same in every simulator instance. */
export function systemId(kind: string, name: string): string {
  return hex32(`halo-sim:system:${kind}:${name}`);
}
