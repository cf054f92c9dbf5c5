/** fast-check generators of small random policies and flows over a deliberately crowded universe. */
import fc from 'fast-check';
import type { AddressItem, AddressMatch, Flow, Policy, Protocol, Rule } from '../../../src/model/index.js';

const prefixes4 = ['10.0.0.0/24', '10.0.0.0/25', '10.0.0.128/25', '10.0.0.0/26', '10.0.0.64/27', '10.0.0.5/32', '10.0.0.200/30', '10.0.1.0/24', '0.0.0.0/0'];
const prefixes6 = ['2001:db8::/124', '2001:db8::/126', '2001:db8::8/125', '::/0'];
const groups = ['g1', 'g2'];
/** Address ranges that are not one CIDR, so they cut prefixes at odd places. */
const ranges: AddressItem[] = [
  { kind: 'range', first: '10.0.0.3', last: '10.0.0.70', version: 4 },
  { kind: 'range', first: '10.0.0.250', last: '10.0.1.2', version: 4 },
  { kind: 'range', first: '2001:db8::3', last: '2001:db8::9', version: 6 },
];

const item: fc.Arbitrary<AddressItem> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...prefixes4).map((cidr): AddressItem => ({ kind: 'cidr', cidr, version: 4 })) },
  { weight: 2, arbitrary: fc.constantFrom(...prefixes6).map((cidr): AddressItem => ({ kind: 'cidr', cidr, version: 6 })) },
  { weight: 1, arbitrary: fc.constantFrom(...groups).map((ref): AddressItem => ({ kind: 'group', ref })) },
  { weight: 1, arbitrary: fc.constantFrom(...ranges) },
);

const side = (allowNegate: boolean): fc.Arbitrary<AddressMatch> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<AddressMatch>({ kind: 'any' }) },
    {
      weight: 4,
      arbitrary: fc
        .record({ items: fc.array(item, { minLength: 1, maxLength: 2 }), negate: allowNegate ? fc.boolean() : fc.constant(false) })
        .map(({ items, negate }): AddressMatch => ({ kind: 'list', items, ...(negate ? { negate } : {}) })),
    },
  );

const portRange = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 6 })).map(([a, w]) => ({ from: a, to: a + w }));

/** All of ICMP (or ICMPv6), one type with every code, or one type/code pair. */
function icmpProtocol(kind: 'icmp' | 'icmpv6'): fc.Arbitrary<Protocol> {
  return fc
    .option(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined })), { nil: undefined })
    .map((tc): Protocol => ({ kind, icmp: tc === undefined ? {} : { type: tc[0], ...(tc[1] === undefined ? {} : { code: tc[1] }) } }));
}

const protocol: fc.Arbitrary<Protocol> = fc.oneof(
  fc.constant<Protocol>({ kind: 'any' }),
  fc.array(portRange, { minLength: 1, maxLength: 2 }).map((ports): Protocol => ({ kind: 'tcp', ports })),
  fc.array(portRange, { minLength: 1, maxLength: 1 }).map((ports): Protocol => ({ kind: 'udp', ports })),
  fc.constant<Protocol>({ kind: 'tcp', ports: [{ from: 0, to: 65535 }] }),
  icmpProtocol('icmp'),
  icmpProtocol('icmpv6'),
  fc.constant<Protocol>({ kind: 'number', number: 47 }),
);

export function ruleArb(opts: { actions: Array<'allow' | 'deny'>; local: boolean; negate: boolean }): fc.Arbitrary<Rule> {
  return fc.record({
    direction: fc.constantFrom('ingress' as const, 'egress' as const),
    action: fc.constantFrom(...opts.actions),
    protocol,
    peer: side(opts.negate),
    local: opts.local ? side(opts.negate) : fc.constant<AddressMatch>({ kind: 'any' }),
    origin: fc.constant({ platform: 'test' }),
  });
}

export const policyArb: fc.Arbitrary<Policy> = fc.boolean().chain((firstMatch) =>
  fc
    .record({
      rules: fc.array(ruleArb({ actions: firstMatch ? ['allow', 'deny'] : ['allow'], local: firstMatch, negate: firstMatch }), { maxLength: 12 }),
      defIn: fc.constantFrom('allow' as const, 'deny' as const),
      defOut: fc.constantFrom('allow' as const, 'deny' as const),
    })
    .map(
      ({ rules, defIn, defOut }): Policy => ({
        name: 'random',
        platform: 'test',
        evaluation: firstMatch ? 'first-match' : 'allow-set',
        stateful: !firstMatch,
        defaults: firstMatch ? { ingress: defIn, egress: defOut } : { ingress: 'deny', egress: 'deny' },
        directions: ['ingress', 'egress'],
        rules,
      }),
    ),
);

const addr4 = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((n) => `10.0.0.${n}`),
  fc.integer({ min: 0, max: 3 }).map((n) => `10.0.1.${n}`),
  fc.constantFrom('192.168.7.7', '0.0.0.0', '255.255.255.255', '@g1', '@g2', '@g3'),
);
const addr6 = fc.oneof(fc.integer({ min: 0, max: 20 }).map((n) => `2001:db8::${n.toString(16)}`), fc.constantFrom('::', '@g1#6', '@g3#6'));

export const flowArb: fc.Arbitrary<Flow> = fc
  .record({
    direction: fc.constantFrom('ingress' as const, 'egress' as const),
    v6: fc.boolean(),
    proto: fc.constantFrom(6, 6, 17, 1, 58, 47, 50),
    port: fc.integer({ min: 0, max: 40 }),
    type: fc.integer({ min: 0, max: 4 }),
    code: fc.integer({ min: 0, max: 3 }),
  })
  .chain((r) =>
    fc.tuple(r.v6 ? addr6 : addr4, r.v6 ? addr6 : addr4).map(([src, rawDst]): Flow => {
      // An IPv6 flow needs one concrete side to say its family.
      const dst = r.v6 && src.startsWith('@') && rawDst.startsWith('@') ? '::' : rawDst;
      const base = { direction: r.direction, protocol: r.proto, src, dst };
      if (r.proto === 6 || r.proto === 17) return { ...base, port: r.port };
      if (r.proto === 1 || r.proto === 58) return { ...base, icmpType: r.type, icmpCode: r.code };
      return base;
    }),
  );

/** The engine spells a symbolic IPv6-family address `@ref` with an IPv6 partner; the reference evaluator wants `#6`. */
export function engineFlow(f: Flow): Flow {
  const strip = (a: string): string => a.replace(/#6$/, '');
  return { ...f, src: strip(f.src), dst: strip(f.dst) };
}
