import { describe, expect, it } from 'vitest';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import type { PanosRuleObject } from '../../../src/platforms/panos/objects.js';
import type { DesiredRulebase } from '../../../src/workflows/sync/desired.js';
import { planFirewall } from '../../../src/workflows/sync/plan-firewall.js';

const rule = (name: string, extra = ''): string =>
  `<entry name="${name}"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>allow</action>${extra}</entry>`;
const tagged = '<tag><member>ruleport</member></tag>';
const tagObject = '<tag><entry name="ruleport"><color>color1</color></entry></tag>';
const vsys = (rules: string, objects = '') =>
  configVsyses(`<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${objects}<rulebase><security><rules>${rules}</rules></security></rulebase></entry></vsys></entry></devices></config>`, 'fw')[0]!;

const desiredRule = (name: string): PanosRuleObject => ({
  name,
  from: ['untrust'],
  to: ['trust'],
  source: ['any'],
  destination: ['sg-0abc1234'],
  negateSource: false,
  negateDestination: false,
  application: ['ssl'],
  service: ['application-default'],
  action: 'allow',
  description: 'ruleport sync sg-0abc1234',
  tag: ['ruleport'],
});
const desired = (rules: PanosRuleObject[], registrations: [string, string[]][] = []): DesiredRulebase => ({
  rules,
  objects: [
    { kind: 'tag', name: 'ruleport', color: 'color1', comments: 'managed by ruleport' },
    { kind: 'address-group', name: 'sg-0abc1234', filter: "'sg-0abc1234'", tag: ['ruleport'] },
  ],
  registrations: new Map(registrations),
  notes: [],
});
const OPTS = { target: 'fw/vsys1', tag: 'ruleport', bottomRule: 'Clean up' };
const summary = (p: ReturnType<typeof planFirewall>) => p.changes.filter((c) => c.kind !== 'keep').map((c) => `${c.kind} ${c.object}${c.kind === 'move' ? ` ${c.where}` : ''}`);

describe('planning the firewall', () => {
  it('creates and places new rules above the bottom rule; deletes only owned rp-sg- rules; registers and unregisters group tags only', () => {
    const actual = vsys(
      [rule('admin-1'), rule('rp-sg-0abc1234-old', tagged), rule('convert-1', tagged), rule('Clean up'), rule('rp-sg-0abc1234-notmine')].join(''),
      `<tag><entry name="ruleport"><color>color5</color></entry></tag>`,
    );
    const plan = planFirewall(desired([desiredRule('rp-sg-0abc1234-new')], [['10.0.1.5', ['sg-0abc1234']]]), actual, new Map([['10.0.1.9', ['sg-0abc1234', 'k8s-web']]]), OPTS);
    expect(summary(plan)).toEqual([
      'create address-group sg-0abc1234',
      'create rule rp-sg-0abc1234-new',
      'move rule rp-sg-0abc1234-new before Clean up',
      'delete rule rp-sg-0abc1234-old',
      'create registration 10.0.1.5 sg-0abc1234',
      'delete registration 10.0.1.9 sg-0abc1234',
    ]);
  });

  it('restores a drifted rule in place and plans nothing when all is as desired', () => {
    const want = desiredRule('rp-sg-0abc1234-a');
    const drifted = vsys(
      [rule('rp-sg-0abc1234-a', tagged), rule('Clean up')].join(''),
      `${tagObject}<address-group><entry name="sg-0abc1234"><dynamic><filter>'sg-0abc1234'</filter></dynamic>${tagged}</entry></address-group>`,
    );
    expect(summary(planFirewall(desired([want]), drifted, new Map(), OPTS))).toEqual(['update rule rp-sg-0abc1234-a']);
    const exact = `<entry name="rp-sg-0abc1234-a"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>sg-0abc1234</member></destination><application><member>ssl</member></application><service><member>application-default</member></service><action>allow</action>${tagged}<description>ruleport sync sg-0abc1234</description></entry>`;
    const same = vsys(exact + rule('Clean up'), `${tagObject}<address-group><entry name="sg-0abc1234"><dynamic><filter>'sg-0abc1234'</filter></dynamic>${tagged}</entry></address-group>`);
    expect(summary(planFirewall(desired([want]), same, new Map([['10.0.1.5', ['sg-0abc1234']]]), OPTS))).toEqual(['delete registration 10.0.1.5 sg-0abc1234']);
  });

  it('refuses to take over an administrator’s rule or object of the same name, and needs the bottom rule', () => {
    const adminRule = vsys([rule('rp-sg-0abc1234-a'), rule('Clean up')].join(''));
    expect(() => planFirewall(desired([desiredRule('rp-sg-0abc1234-a')]), adminRule, new Map(), OPTS)).toThrow(/rule rp-sg-0abc1234-a: exists on the firewall without the "ruleport" tag/);
    const adminGroup = vsys(rule('Clean up'), `<address-group><entry name="sg-0abc1234"><static><member>h</member></static></entry></address-group>`);
    expect(() => planFirewall(desired([desiredRule('rp-sg-0abc1234-a')]), adminGroup, new Map(), OPTS)).toThrow(/address-group sg-0abc1234: exists on the firewall without/);
    expect(() => planFirewall(desired([]), vsys(rule('admin-1')), new Map(), OPTS)).toThrow(/no rule named "Clean up"/);
  });

  it('commits what an earlier run left in the candidate: its own entries written again, deletions and moves planned again; never an administrator\'s entry', () => {
    const want = desiredRule('rp-sg-0abc1234-a');
    const exact = `<entry name="rp-sg-0abc1234-a"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>sg-0abc1234</member></destination><application><member>ssl</member></application><service><member>application-default</member></service><action>allow</action>${tagged}<description>ruleport sync sg-0abc1234</description></entry>`;
    const group = `<address-group><entry name="sg-0abc1234"><dynamic><filter>'sg-0abc1234'</filter></dynamic>${tagged}</entry></address-group>`;
    // The candidate is as desired; the running configuration still has an old sync rule and none of the new.
    const candidate = vsys(exact + rule('Clean up'), tagObject + group);
    const running = vsys(rule('rp-sg-0abc1234-old', tagged) + rule('Clean up'));
    expect(summary(planFirewall(desired([want]), candidate, new Map(), OPTS))).toEqual([]);
    const plan = planFirewall(desired([want]), candidate, new Map(), { ...OPTS, running });
    expect(summary(plan)).toEqual([
      'update address-group sg-0abc1234',
      'update rule rp-sg-0abc1234-a',
      'move rule rp-sg-0abc1234-a before Clean up',
      'delete rule rp-sg-0abc1234-old',
    ]);
    expect(plan.changes.every((c) => c.target === 'fw/vsys1')).toBe(true);
    expect(plan.notes.at(-1)).toMatch(/^4 change\(s\) of an earlier run/);

    // An administrator's entry of the old rule's name in the candidate now: not the one sync deleted, left alone.
    const adminCandidate = vsys(exact + rule('rp-sg-0abc1234-old') + rule('Clean up'), tagObject + group);
    const guarded = planFirewall(desired([want]), adminCandidate, new Map(), { ...OPTS, running: vsys(exact + rule('rp-sg-0abc1234-old', tagged) + rule('Clean up'), tagObject + group) });
    expect(summary(guarded)).toEqual([]);
  });

  it('deletes sync\'s objects nobody refers to, but never one a group or another rulebase still names', () => {
    const address = (name: string, cidr: string) => `<entry name="${name}"><ip-netmask>${cidr}</ip-netmask>${tagged}</entry>`;
    const objects =
      `${tagObject}<address>${address('rp-203.0.113.0_24', '203.0.113.0/24')}${address('rp-198.51.100.0_24', '198.51.100.0/24')}${address('rp-192.0.2.0_24', '192.0.2.0/24')}</address>` +
      `<address-group><entry name="partners"><static><member>rp-203.0.113.0_24</member></static></entry></address-group>`;
    const nat = '<nat><rules><entry name="nat-1"><source><member>rp-198.51.100.0_24</member></source></entry></rules></nat>';
    const actual = configVsyses(
      `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${objects}<rulebase>${nat}<security><rules>${rule('Clean up')}</rules></security></rulebase></entry></vsys></entry></devices></config>`,
      'fw',
    )[0]!;
    const plan = planFirewall(desired([]), actual, new Map(), OPTS);
    expect(summary(plan).filter((c) => c.startsWith('delete address '))).toEqual(['delete address rp-192.0.2.0_24']);
  });

  it('keeps an object of sync\'s that a committed admin rule still names, though the rule is gone from the candidate', () => {
    const objects = `${tagObject}<address><entry name="rp-192.0.2.0_24"><ip-netmask>192.0.2.0/24</ip-netmask>${tagged}</entry></address>`;
    const adminRule = rule('admin-partners').replace('<source><member>any</member></source>', '<source><member>rp-192.0.2.0_24</member></source>');
    // The administrator deleted their rule in the candidate and has not committed: the running rule still uses
    // the object, so deleting it would make ruleport's partial commit fail.
    const candidate = vsys(rule('Clean up'), objects);
    const running = vsys(adminRule + rule('Clean up'), objects);
    const deletes = (p: ReturnType<typeof planFirewall>) => summary(p).filter((c) => c.startsWith('delete address '));
    expect(deletes(planFirewall(desired([]), candidate, new Map(), { ...OPTS, running }))).toEqual([]);
    // Once that deletion is committed, the object goes.
    expect(deletes(planFirewall(desired([]), candidate, new Map(), { ...OPTS, running: candidate }))).toEqual(['delete address rp-192.0.2.0_24']);
  });

  it('owns only the registrations of tags its own rules’ dynamic address groups filter on, kept or being deleted', () => {
    const dag = (name: string, filter = `'${name}'`, tags = tagged) => `<entry name="${name}"><dynamic><filter>${filter}</filter></dynamic>${tags}</entry>`;
    const uses = (name: string, group: string, tags = tagged) =>
      `<entry name="${name}"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>${group}</member></destination><application><member>ssl</member></application><service><member>application-default</member></service><action>allow</action>${tags}</entry>`;
    // sg-0abc1234: desired. sg-0dead0001: a sync rule and its group, both going away in this run.
    // sg-0c0de0002: a ruleport-tagged group that only convert's rule uses. sg-0ed170003: sync's group, filter
    // edited by hand. sg-0fff0004: no group at all (another tool's tag).
    const actual = vsys(
      uses('rp-sg-0dead0001-x', 'sg-0dead0001') + uses('convert-1', 'sg-0c0de0002') + uses('rp-sg-0ed170003-y', 'sg-0ed170003') + rule('Clean up'),
      `${tagObject}<address-group>${dag('sg-0dead0001')}${dag('sg-0c0de0002')}${dag('sg-0ed170003', "'sg-0ed170003' or 'web'")}</address-group>`,
    );
    const registered = new Map([
      ['10.0.1.5', ['sg-0abc1234', 'web']],
      ['10.0.1.6', ['sg-0abc1234']],
      ['10.0.1.7', ['sg-0dead0001', 'sg-0c0de0002', 'sg-0ed170003']],
      ['10.9.9.9', ['sg-0fff0004', 'web']],
    ]);
    const plan = planFirewall(desired([desiredRule('rp-sg-0abc1234-a')], [['10.0.1.5', ['sg-0abc1234']]]), actual, registered, OPTS);
    expect(summary(plan).filter((c) => c.includes('registration'))).toEqual(['delete registration 10.0.1.6 sg-0abc1234', 'delete registration 10.0.1.7 sg-0dead0001']);
  });

  it('an earlier run’s uncommitted deletion still owns its registrations through the running configuration', () => {
    const group = `<address-group><entry name="sg-0dead0001"><dynamic><filter>'sg-0dead0001'</filter></dynamic>${tagged}</entry></address-group>`;
    const candidate = vsys(rule('Clean up'), tagObject);
    const running = vsys(rule('rp-sg-0dead0001-x', tagged).replace('<member>any</member></destination>', '<member>sg-0dead0001</member></destination>') + rule('Clean up'), tagObject + group);
    const registered = new Map([['10.0.1.7', ['sg-0dead0001']]]);
    const registrations = (p: ReturnType<typeof planFirewall>) => summary(p).filter((c) => c.includes('registration'));
    expect(registrations(planFirewall(desired([]), candidate, registered, OPTS))).toEqual([]);
    expect(registrations(planFirewall(desired([]), candidate, registered, { ...OPTS, running }))).toEqual([
      'delete registration 10.0.1.7 sg-0dead0001',
    ]);
  });
});
