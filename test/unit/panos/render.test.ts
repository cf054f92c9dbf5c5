/**
 * The PAN-OS renderer on hand-written policies: ICMP kept exact (ping is echo-request only; other types and codes
 * get their own applications, never all of `icmp`), and the two service modes. Expected rules are written from
 * the renderer's documented contract and PAN-OS's App-ID defaults, not from its output. A security group's rules
 * reach only the group: its protected side is written as their destination (source for egress), never any.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedError, type Policy } from '../../../src/model/index.js';
import { renderRulebase, type ServiceMode } from '../../../src/platforms/panos/render.js';
import { cidrs, group, icmp, rule, sg, tcp } from '../../helpers/policy-builder.js';

const ZONES = { from: 'untrust', to: 'trust' };
const render = (rules: Parameters<typeof sg>[1], serviceMode: ServiceMode = 'application-default') =>
  renderRulebase(sg('sg-0abc', rules), { zones: ZONES, serviceMode, rulePrefix: 'rp' });
const traffic = (r: { application: readonly string[]; service: readonly string[] }) => `${r.application.join(',')} / ${r.service.join(',')}`;

describe('PAN-OS render: ICMP stays exact', () => {
  const peer = cidrs('203.0.113.0/24');

  it('echo-request from an IPv4 peer is the ping App-ID', () => {
    const out = render([rule('allow', icmp(8), peer)]);
    expect(out.rules.map(traffic)).toEqual(['ping / application-default']);
  });

  it('echo-reply is not ping: a custom application for ICMP type 0, defined by type', () => {
    const out = render([rule('allow', icmp(0), peer)]);
    expect(out.rules.map(traffic)).toEqual(['rp-icmp-0 / application-default']);
    const app = out.objects.find((o) => o.name === 'rp-icmp-0');
    expect(app).toMatchObject({ kind: 'application' });
    expect(JSON.stringify(app)).toMatch(/"type":0/);
  });

  it('a type with a code gets both in the application name', () => {
    const out = render([rule('allow', icmp(3, 4), peer)]);
    expect(out.rules.map(traffic)).toEqual(['rp-icmp-3-4 / application-default']);
  });

  it('all of ICMP is the icmp App-ID', () => {
    const out = render([rule('allow', icmp(), peer)]);
    expect(out.rules.map(traffic)).toEqual(['icmp / application-default']);
  });
});

describe('PAN-OS render: service modes', () => {
  const peer = cidrs('198.51.100.0/24');
  const rules = [rule('allow', tcp(443), peer), rule('allow', tcp(8443), peer)];

  it('application-default: a port with an App-ID becomes that App-ID, the others service objects', () => {
    const out = render(rules);
    expect(out.rules.map(traffic)).toEqual(['ssl / application-default', 'any / tcp_8443']);
    expect(out.objects.filter((o) => o.kind === 'service').map((o) => o.name)).toEqual(['tcp_8443']);
  });

  it('explicit: ports only, no App-ID', () => {
    const out = render(rules, 'explicit');
    expect(out.rules).toHaveLength(1);
    expect(out.rules[0]!.application).toEqual(['any']);
    expect([...out.rules[0]!.service].sort()).toEqual(['tcp_443', 'tcp_8443'].sort());
  });

  it('names, tags and zones: rp-N, tagged ruleport, untrust→trust for ingress', () => {
    const out = render(rules);
    expect(out.rules.map((r) => r.name)).toEqual(['rp-1', 'rp-2']);
    for (const r of out.rules) {
      expect(r.tag).toEqual(['ruleport']);
      expect([r.from, r.to]).toEqual([['untrust'], ['trust']]);
      expect(r.source).toEqual(['rp-198.51.100.0_24']);
    }
  });
});

describe('PAN-OS render: the protected side', () => {
  const DB = 'sg-0db@123456789012';
  const web = cidrs('10.0.1.0/24');
  const db = (rules: Parameters<typeof sg>[1], extra: Partial<Policy> = {}): Policy => ({ ...sg('db', rules), protects: group(DB), ...extra });
  const sides = (r: { source: readonly string[]; destination: readonly string[] }) => `${r.source.join(',')} -> ${r.destination.join(',')}`;

  it('a security group rule reaches the group: its dynamic address group, never any, and a note says it starts empty', () => {
    const out = renderRulebase(db([rule('allow', tcp(5432), web), rule('allow', tcp(443), web, { direction: 'egress' })]), { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' });
    expect(out.rules.map(sides)).toEqual(['rp-10.0.1.0_24 -> sg-0db', 'sg-0db -> rp-10.0.1.0_24']);
    expect(out.objects.filter((o) => o.kind === 'address-group')).toEqual([{ kind: 'address-group', name: 'sg-0db', filter: "'sg-0db'", tag: ['ruleport'] }]);
    expect(out.notes.join('\n')).toMatch(/dynamic address group sg-0db .*User-ID .*match nothing/);
  });

  it('a mapped group is that address group, also as a peer (the group referring to itself)', () => {
    const out = renderRulebase(db([rule('allow', tcp(5432), group(DB))]), { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp', groupName: (ref) => (ref === DB ? 'db-servers' : undefined) });
    expect(out.rules.map(sides)).toEqual(['db-servers -> db-servers']);
    expect(out.notes.join('\n')).not.toContain('User-ID');
  });

  it('a rule with its own local side keeps it; a policy protecting nothing named keeps any', () => {
    const local = renderRulebase(db([rule('allow', tcp(22), web, { local: cidrs('10.9.0.1/32') })]), { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' });
    expect(local.rules.map(sides)).toEqual(['rp-10.0.1.0_24 -> rp-10.9.0.1_32']);
    expect(render([rule('allow', tcp(22), web)]).rules.map(sides)).toEqual(['rp-10.0.1.0_24 -> any']);
  });

  it('endpoints nobody named: refused, naming the policy, rather than written as any', () => {
    const nacl: Policy = { ...sg('acl-0abc', [rule('allow', tcp(22), web)]), evaluation: 'first-match', protectsUnknown: 'it protects its subnets (subnet-1)' };
    expect(() => renderRulebase(nacl, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(UnsupportedError);
    expect(() => renderRulebase(nacl, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(/^panos: acl-0abc: it protects its subnets \(subnet-1\); .*any would reach every host/);
    // No rule, but an open default: the allow-all it becomes would have no local side either.
    const open: Policy = { ...nacl, rules: [], defaults: { ingress: 'allow', egress: 'deny' } };
    expect(() => renderRulebase(open, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(UnsupportedError);
    // Every rule with a local side of its own: nothing is missing.
    const explicit: Policy = { ...nacl, rules: [rule('allow', tcp(22), web, { local: cidrs('10.9.0.0/24') })] };
    expect(renderRulebase(explicit, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' }).rules.map(sides)).toEqual(['rp-10.0.1.0_24 -> rp-10.9.0.0_24']);
  });

  it('a policy protecting nothing (a live NACL with no subnet): refused, naming it, rather than written as any or left out', () => {
    const bare: Policy = { ...sg('acl-0bare', [rule('allow', tcp(22), web)]), evaluation: 'first-match', protects: { kind: 'list', items: [] } };
    expect(() => renderRulebase(bare, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(UnsupportedError);
    expect(() => renderRulebase(bare, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(/^panos: acl-0bare: it protects no endpoint .*match nothing/);
    const open: Policy = { ...bare, rules: [], defaults: { ingress: 'allow', egress: 'deny' } };
    expect(() => renderRulebase(open, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' })).toThrow(/^panos: acl-0bare: it protects no endpoint/);
    // Nothing to write, nothing refused.
    expect(renderRulebase({ ...bare, rules: [] }, { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' }).rules).toEqual([]);
  });

  it('an open default of a protecting policy allows the protected side only', () => {
    const out = renderRulebase(db([], { defaults: { ingress: 'allow', egress: 'deny' }, evaluation: 'first-match' }), { zones: ZONES, serviceMode: 'explicit', rulePrefix: 'rp' });
    expect(out.rules.map(sides)).toEqual(['any -> sg-0db']);
  });
});
