/**
 * Coordinates: rank lookups search doubles first and bigints last, and addresses are parsed by character
 * scans. Both are checked against plain references, with values crowded where doubles lose precision
 * (IPv6 addresses that differ only in their low 64 bits, around 2^64 and 2^128 part boundaries).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ranks } from '../../../src/engine/ranks.js';
import { parseIp } from '../../../src/model/index.js';

const PEER = 4;

/** A bigint near a boundary where doubles round: base ± a small or a 60-bit offset. */
const crowded = fc
  .tuple(
    fc.constantFrom(0n, 1n << 32n, 1n << 64n, (1n << 64n) * 0x20010db8n, 1n << 127n, (1n << 128n) - 1n),
    fc.bigInt({ min: -(1n << 60n), max: 1n << 60n }),
    fc.bigInt({ min: -3n, max: 3n }),
  )
  .map(([base, far, near]) => {
    const v = base + far + near;
    return v < 0n ? -v : v;
  });

/** The reference: index of the last bound <= value, or -1 outside [first bound, last bound). */
function referenceRank(bounds: readonly bigint[], value: bigint): number {
  if (bounds.length === 0 || value < bounds[0]! || value >= bounds[bounds.length - 1]!) return -1;
  let r = 0;
  while (bounds[r + 1]! <= value) r++;
  return r;
}

describe('rank lookups', () => {
  it('agree with a linear search, also where doubles tie', () => {
    fc.assert(
      fc.property(fc.array(crowded, { minLength: 1, maxLength: 40 }), fc.array(crowded, { minLength: 1, maxLength: 20 }), (values, queries) => {
        const ranks = new Ranks([], { [PEER]: values });
        const bounds = ranks.bounds[PEER]!;
        expect(bounds).toEqual([...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        for (const q of [...queries, ...values, ...values.map((v) => v + 1n), ...values.map((v) => v - 1n)]) {
          expect(ranks.rankOf(PEER, q), String(q)).toBe(referenceRank(bounds, q));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The dotted quad the way the regex-based reading accepted it. */
function referenceV4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith('0')) return undefined;
    if (Number(part) > 255) return undefined;
    value = value * 256n + BigInt(part);
  }
  return value;
}

describe('address parsing', () => {
  it('IPv4: agrees with the regex reading on well-formed and malformed text', () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map(String),
      fc.constantFrom('', '0', '00', '01', '007', '256', '999', '1000', 'a', ' 1', '-1', '1e1'),
    );
    const text = fc.oneof(
      fc.array(part, { minLength: 4, maxLength: 4 }).map((p) => p.join('.')),
      fc.array(part, { minLength: 1, maxLength: 6 }).map((p) => p.join('.')),
      fc.array(part, { minLength: 4, maxLength: 4 }).map((p) => `${p.join('.')}.`),
    );
    fc.assert(
      fc.property(text, (t) => {
        const ref = referenceV4(t);
        expect(parseIp(t), t).toEqual(ref === undefined ? undefined : { version: 4, value: ref });
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv6: every spelling of eight groups (full, compressed, embedded IPv4) reads back their value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }),
        fc.nat(8),
        fc.nat(8),
        fc.boolean(),
        (groups, a, b, v4Tail) => {
          const value = groups.reduce((acc, g) => acc * 0x10000n + BigInt(g), 0n);
          const hex = groups.map((g) => g.toString(16));
          if (v4Tail) hex.splice(6, 2, `${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`);
          const from = Math.min(a, b, hex.length);
          const to = Math.min(Math.max(a, b), hex.length);
          const zeros = hex.slice(from, to).every((h) => h === '0');
          // Compress a run of zero groups when there is one (never an embedded IPv4 part).
          const text = zeros && to > from ? `${hex.slice(0, from).join(':')}::${hex.slice(to).join(':')}` : hex.join(':');
          expect(parseIp(text), text).toEqual({ version: 6, value });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
