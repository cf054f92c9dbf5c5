/**
 * The PAN-OS parser on what a flow cannot express: users, URL categories and HIP profiles stop the read with an
 * error naming the rule and what it uses; accepted narrower (`dropInexpressible`), an allow rule is dropped and a
 * deny rule widened, and both are reported. A rule without one of the member lists PAN-OS requires is an error,
 * never read as `any`. Configurations are hand-written.
 */
import { describe, expect, it } from 'vitest';
import { InputError, UnsupportedError } from '../../../src/model/index.js';
import { readRunningConfig } from '../../../src/platforms/panos/parse.js';

const entry = (name: string, action: string, extra: string): string =>
  `<entry name="${name}"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>10.0.0.0/24</member></destination><application><member>any</member></application><service><member>any</member></service><action>${action}</action>${extra}</entry>`;
const config = (...rules: string[]): string =>
  `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><rulebase><security><rules>${rules.join('')}</rules></security></rulebase></entry></vsys></entry></devices></config>`;
const read = (text: string, dropInexpressible = false) => readRunningConfig(text, 'fw.xml', { dropInexpressible })[0]!;

describe('PAN-OS parse: what a flow cannot express', () => {
  it.each([
    ['users', '<source-user><member>corp\\alice</member></source-user>', /source users corp\\alice/],
    ['URL categories', '<category><member>gambling</member></category>', /URL categories gambling/],
    ['HIP profiles', '<source-hip><member>managed-laptops</member></source-hip>', /source HIP profiles managed-laptops/],
  ])('%s: an error naming the rule and what it uses', (_what, extra, reason) => {
    const text = config(entry('by-user', 'allow', extra));
    expect(() => read(text)).toThrow(UnsupportedError);
    expect(() => read(text)).toThrow(/rule "by-user".*/);
    expect(() => read(text)).toThrow(reason);
  });

  it('"any" users, categories and HIP profiles are no restriction', () => {
    const any = '<source-user><member>any</member></source-user><category><member>any</member></category><hip-profiles><member>any</member></hip-profiles>';
    const reading = read(config(entry('plain', 'allow', any)));
    expect(reading.inexpressible).toEqual([]);
    expect(reading.policy.rules).toHaveLength(1);
  });

  it('read narrower: the allow rule is dropped, the deny rule kept for every user, and both reported', () => {
    const text = config(
      entry('allow-alice', 'allow', '<source-user><member>alice</member></source-user>'),
      entry('deny-gambling', 'deny', '<category><member>gambling</member></category>'),
    );
    const reading = read(text, true);
    expect(reading.inexpressible.map((r) => `${r.rule} ${r.handling}`)).toEqual(['allow-alice dropped', 'deny-gambling deny widened']);
    expect(reading.policy.rules.map((r) => `${r.action} ${r.origin?.id}`)).toEqual(['deny deny-gambling']);
    expect(reading.policy.meta?.inexpressible).toBe('allow-alice (dropped), deny-gambling (deny widened)');
  });
});

describe('PAN-OS parse: member lists PAN-OS requires', () => {
  /** `entry('r', 'allow', '')` with the list `field` left out, or left empty. */
  const without = (field: string, empty: boolean): string =>
    entry('gap', 'allow', '').replace(new RegExp(`<${field}><member>[^<]*</member></${field}>`), empty ? `<${field}/>` : '');

  it.each(['from', 'to', 'source', 'destination', 'application', 'service'])('no <%s> members: an error naming the rule and field, not any', (field) => {
    for (const empty of [false, true]) {
      const text = config(without(field, empty));
      expect(text).not.toContain(`<${field}><member>`);
      expect(() => read(text)).toThrow(InputError);
      expect(() => read(text)).toThrow(`fw.xml: vsys1 rule "gap": ${field}: no <member> under <${field}>`);
      // Accepting inexpressible rules does not accept this: the gap is malformed input, not a narrower reading.
      expect(() => read(text, true)).toThrow(InputError);
    }
  });
});

describe('PAN-OS parse: custom ICMP applications', () => {
  const withApp = (ident: string): string =>
    config(entry('icmp-app', 'allow', '').replace('<application><member>any</member></application><service><member>any</member></service>', '<application><member>my-icmp</member></application><service><member>application-default</member></service>')).replace(
      '<rulebase>',
      `<application><entry name="my-icmp"><default>${ident}</default></entry></application><rulebase>`,
    );

  it('reads the type (and code) it names', () => {
    const rules = read(withApp('<ident-by-icmp-type><type>13</type></ident-by-icmp-type>')).policy.rules;
    expect(rules.map((r) => r.protocol)).toEqual([{ kind: 'icmp', icmp: { type: 13 } }]);
  });

  it('without a type: an error, not every ICMP type', () => {
    for (const ident of ['<ident-by-icmp-type></ident-by-icmp-type>', '<ident-by-icmp6-type><code>0</code></ident-by-icmp6-type>']) {
      expect(() => read(withApp(ident))).toThrow(InputError);
      expect(() => read(withApp(ident))).toThrow(/no <type>: an ICMP identification needs one/);
    }
  });
});
