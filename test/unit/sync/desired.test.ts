import { describe, expect, it } from 'vitest';
import type { Rule } from '../../../src/model/index.js';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import { adminPolicyAbove, partitionAllowed } from '../../../src/workflows/sync/already-allowed.js';
import { desiredRulebase, syncRules } from '../../../src/workflows/sync/desired.js';
import type { ScopedGroup } from '../../../src/workflows/sync/read-scope.js';

const tcp = (from: number, to: number, direction: 'ingress' | 'egress' = 'ingress', peer = '0.0.0.0/0'): Rule => ({
  direction,
  action: 'allow',
  protocol: { kind: 'tcp', ports: [{ from, to }] },
  peer: { kind: 'list', items: [{ kind: 'cidr', cidr: peer, version: 4 }] },
  local: { kind: 'any' },
  origin: { platform: 'aws-sg' },
});

const group = (rules: Rule[], addresses: string[] = ['10.0.1.5']): ScopedGroup => ({
  groupId: 'sg-0abc',
  name: 'web',
  account: '123456789012',
  region: 'us-east-1',
  vpcId: 'vpc-1',
  addresses,
  policy: { name: 'web', platform: 'aws-sg', evaluation: 'allow-set', stateful: true, defaults: { ingress: 'deny', egress: 'deny' }, directions: ['ingress', 'egress'], rules },
});

const OPTIONS = { zones: { untrust: 'untrust', trust: 'trust' }, tag: 'ruleport', profileGroup: 'strict', logSetting: 'fwd' };

describe('desired rulebase', () => {
  it('one rule per SG rule: untrust→trust to the group for ingress, trust→untrust from it for egress', () => {
    const g = group([tcp(443, 443), tcp(8443, 8443, 'egress', '198.51.100.0/24')]);
    const d = desiredRulebase(syncRules([g], 'dynamic').rules, [g], OPTIONS);
    expect(d.rules).toHaveLength(2);
    const ingress = d.rules.find((r) => r.from[0] === 'untrust')!;
    const egress = d.rules.find((r) => r.from[0] === 'trust')!;
    expect(ingress).toMatchObject({
      to: ['trust'],
      source: ['rp-0.0.0.0_0'],
      destination: ['sg-0abc'],
      application: ['ssl'],
      service: ['application-default'],
      action: 'allow',
      tag: ['ruleport'],
      profileGroup: 'strict',
      logSetting: 'fwd',
    });
    expect(egress).toMatchObject({ to: ['untrust'], source: ['sg-0abc'], destination: ['rp-198.51.100.0_24'], application: ['any'], service: ['tcp_8443'] });
    for (const r of d.rules) expect(r.name).toMatch(/^rp-sg-0abc-[0-9a-f]{10}$/);
    expect(d.rules.map((r) => r.name)).toEqual([...d.rules.map((r) => r.name)].sort());
    expect(d.objects).toContainEqual({ kind: 'address-group', name: 'sg-0abc', filter: "'sg-0abc'", tag: ['ruleport'] });
    expect(d.objects[0]).toMatchObject({ kind: 'tag', name: 'ruleport' });
    expect([...d.registrations]).toEqual([['10.0.1.5', ['sg-0abc']]]);
  });

  it('names depend on content only: same input, same names; another port, another name', () => {
    const a = desiredRulebase(syncRules([group([tcp(22, 22)])], 'dynamic').rules, [], OPTIONS).rules[0]!.name;
    const b = desiredRulebase(syncRules([group([tcp(22, 22)])], 'dynamic').rules, [], OPTIONS).rules[0]!.name;
    const c = desiredRulebase(syncRules([group([tcp(23, 23)])], 'dynamic').rules, [], OPTIONS).rules[0]!.name;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('static mode writes the members as address objects and registers nothing', () => {
    const g = group([tcp(443, 443)], ['10.0.1.5', '10.0.1.6']);
    const d = desiredRulebase(syncRules([g], 'static').rules, [g], OPTIONS);
    expect(d.rules[0]!.destination).toEqual(['rp-10.0.1.5_32', 'rp-10.0.1.6_32']);
    expect(d.registrations.size).toBe(0);
    expect(syncRules([group([tcp(443, 443)], [])], 'static').rules).toEqual([]);
  });

  it('registers only the members of groups a rule uses: a group with nothing to allow feeds no dynamic address group', () => {
    const used = group([tcp(443, 443)], ['10.0.1.5']);
    const idle = { ...group([], ['10.0.1.5', '10.0.1.6']), groupId: 'sg-0def' };
    const d = desiredRulebase(syncRules([used, idle], 'dynamic').rules, [used, idle], OPTIONS);
    expect([...d.registrations]).toEqual([['10.0.1.5', ['sg-0abc']]]);
    expect(desiredRulebase([], [used, idle], OPTIONS).registrations.size).toBe(0);
  });
});

const CONFIG = `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<rulebase><security><rules>
  <entry name="allow-web"><from><member>untrust</member></from><to><member>trust</member></to>
    <source><member>any</member></source><destination><member>any</member></destination>
    <application><member>web-browsing</member></application><service><member>application-default</member></service><action>allow</action></entry>
  <entry name="rp-sg-0abc-0000000000"><from><member>untrust</member></from><to><member>trust</member></to>
    <source><member>any</member></source><destination><member>any</member></destination>
    <application><member>any</member></application><service><member>any</member></service><action>allow</action><tag><member>ruleport</member></tag></entry>
  <entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination>
    <application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>
  <entry name="below"><from><member>untrust</member></from><to><member>trust</member></to>
    <source><member>any</member></source><destination><member>any</member></destination>
    <application><member>ssl</member></application><service><member>application-default</member></service><action>allow</action></entry>
</rules></security></rulebase></entry></vsys></entry></devices></config>`;

describe('already allowed', () => {
  it('skips a rule an admin rule above the bottom rule covers entirely; adds partly covered rules whole', () => {
    const vsys = configVsyses(CONFIG, 'fw')[0]!;
    const admin = adminPolicyAbove(vsys, { zones: OPTIONS.zones, tag: 'ruleport', bottomRule: 'Clean up', label: 'fw' });
    const rules = syncRules([group([tcp(80, 80), tcp(443, 443), tcp(80, 81)])], 'dynamic').rules;
    const { add, allowed } = partitionAllowed(rules, admin);
    // tcp/80 is web-browsing on its default port (allow-web). 443 is only allowed below the bottom rule ("below")
    // and by ruleport's own rule, neither of which counts; 80-81 is only partly covered.
    expect(allowed.map((r) => r.label)).toEqual(['ingress rule #1']);
    expect(add.map((r) => r.label)).toEqual(['ingress rule #2', 'ingress rule #3']);
  });

  it('only rules above allow: an interzone default of allow (below every rule) allows nothing above the bottom rule', () => {
    const permissive = CONFIG.replace(
      '</rules></security>',
      '</rules></security><default-security-rules><rules><entry name="interzone-default"><action>allow</action></entry></rules></default-security-rules>',
    );
    const admin = adminPolicyAbove(configVsyses(permissive, 'fw')[0]!, { zones: OPTIONS.zones, tag: 'ruleport', bottomRule: 'Clean up', label: 'fw' });
    const { add, allowed } = partitionAllowed(syncRules([group([tcp(80, 80), tcp(443, 443)])], 'dynamic').rules, admin);
    // The same verdicts as without the override: traffic reaching "Clean up" is denied there, whatever the default.
    expect(allowed.map((r) => r.label)).toEqual(['ingress rule #1']);
    expect(add.map((r) => r.label)).toEqual(['ingress rule #2']);
  });
});
