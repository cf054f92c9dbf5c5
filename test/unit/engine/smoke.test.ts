import { describe, expect, it } from 'vitest';
import { allows, compare, ruleUse, toAllowSet } from '../../../src/engine/index.js';
import { acl, any, cidrs, rule, sg, tcp } from '../../helpers/policy-builder.js';

describe('smoke', () => {
  it('works', () => {
    const p = acl('a', [rule('deny', tcp(22), cidrs('10.0.0.0/8')), rule('allow', tcp(0, 65535), any)]);
    expect(allows(p, { direction: 'ingress', protocol: 6, src: '10.1.1.1', dst: '1.1.1.1', port: 22 }).allowed).toBe(false);
    expect(allows(p, { direction: 'ingress', protocol: 6, src: '11.1.1.1', dst: '1.1.1.1', port: 22 }).ruleIndex).toBe(1);
    const s = toAllowSet(p);
    console.log(JSON.stringify(s.rules.map((r) => [r.protocol, r.peer])));
    expect(compare(p, s).equivalent).toBe(true);
    const q = sg('b', [rule('allow', tcp(22), any)]);
    const c = compare(p, q);
    console.log(JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).slice(0, 1500));
    console.log(ruleUse(acl('x', [rule('allow', tcp(22), cidrs('10.0.0.0/8')), rule('allow', tcp(22), cidrs('10.1.0.0/16')), rule('allow', tcp(20, 25), any)])));
  });
});
