import { describe, expect, it } from 'vitest';
import type { PanosRuleObject } from '../../../src/platforms/panos/objects.js';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import { unreferencedObjects, type UnreferencedQuery } from '../../../src/platforms/panos/unreferenced-objects.js';

const owned = '<tag><member>ruleport</member></tag>';
const address = (name: string, tag = owned) => `<entry name="${name}"><ip-netmask>192.0.2.1/32</ip-netmask>${tag}</entry>`;
const rule = (name: string, source: string, tag = owned) =>
  `<entry name="${name}"><source><member>${source}</member></source><destination><member>any</member></destination><service><member>any</member></service><action>allow</action>${tag}</entry>`;
const vsys = (addresses: string, rules: string, extra = '') =>
  configVsyses(
    `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><tag><entry name="ruleport"/></tag><address>${addresses}</address>${extra}<rulebase><security><rules>${rules}</rules></security></rulebase></entry></vsys></entry></devices></config>`,
    'fw',
  )[0]!;
const writes = (name: string, source: string): PanosRuleObject => ({
  name,
  from: ['any'],
  to: ['any'],
  source: [source],
  destination: ['any'],
  negateSource: false,
  negateDestination: false,
  application: ['any'],
  service: ['any'],
  action: 'allow',
  description: '',
  tag: ['ruleport'],
});
const query = (q: Partial<UnreferencedQuery>): UnreferencedQuery => ({ tag: 'ruleport', wanted: new Set(), replacedRules: new Set(), rules: [], ...q });
const names = (configs: Parameters<typeof unreferencedObjects>[0], q: Partial<UnreferencedQuery>) =>
  unreferencedObjects(configs, query(q)).map((o) => `${o.kind} ${o.name}`);

describe('unreferenced objects', () => {
  it('what a rewritten or deleted rule names now does not count; what it is rewritten to does', () => {
    const c = vsys(address('a') + address('b') + address('c'), rule('rp-1', 'a') + rule('rp-2', 'b'));
    expect(names([c], {})).toEqual(['address c']);
    expect(names([c], { replacedRules: new Set(['rp-1', 'rp-2']), rules: [writes('rp-1', 'b')] })).toEqual(['address a', 'address c']);
    expect(names([c], { wanted: new Set(['address:c']) })).toEqual([]);
  });

  it('a reference in either configuration keeps the object; it must carry the tag in every configuration holding it', () => {
    const running = vsys(address('a') + address('b'), rule('admin', 'a', ''));
    const candidate = vsys(address('a') + address('b', ''), '');
    expect(names([candidate], {})).toEqual(['address a']);
    expect(names([candidate, running], {})).toEqual([]);
    expect(names([vsys(address('b'), '')], {})).toEqual(['address b']);
  });

  it('never the tag object, never a shape ruleport does not write, whatever refers to nothing', () => {
    const c = vsys('<entry name="f"><fqdn>example.com</fqdn><tag><member>ruleport</member></tag></entry>', '', '<service><entry name="tcp_1"><protocol><tcp><port>1</port></tcp></protocol>' + owned + '</entry></service>');
    expect(names([c], {})).toEqual(['service tcp_1']);
  });
});
