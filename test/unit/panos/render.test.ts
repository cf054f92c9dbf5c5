/**
 * The PAN-OS renderer on hand-written policies: ICMP kept exact (ping is echo-request only; other types and codes
 * get their own applications, never all of `icmp`), and the two service modes. Expected rules are written from
 * the renderer's documented contract and PAN-OS's App-ID defaults, not from its output.
 */
import { describe, expect, it } from 'vitest';
import { renderRulebase, type ServiceMode } from '../../../src/platforms/panos/render.js';
import { cidrs, icmp, rule, sg, tcp } from '../../helpers/policy-builder.js';

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
