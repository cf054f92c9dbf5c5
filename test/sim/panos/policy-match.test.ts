import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { child, client, expectXml, fixture, keygen, parseXml, policyMatchCmd, RULES } from './helpers.js';

type Fields = Record<string, string | number>;

/**
 * Lookups against test/fixtures/panos/running-config.xml, with the expected first match worked out by
 * hand from the rulebase (rule numbers are 1-based positions):
 *   1 allow-web-in          untrust→trust  any → web-servers   any app, service web-ports (service-http 80,8080 + tcp 81,8000)
 *   2 allow-web-out         trust→untrust  web-servers → any   web-browsing/ssl/dns, application-default
 *   3 deny-cleartext-auth   any→any                             ftp/telnet, application-default        deny
 *   4 legacy-allow-all      disabled
 *   5 deny-ssh-non-partners untrust→trust  NOT partner-nets → bastion   ssh, application-default      deny
 *   6 allow-ssh-partners    untrust→trust  trusted-sources (nested) → bastion   ssh
 *   7 allow-app-servers     untrust→trust  any → app-servers (DAG 'app' and ('prod' or 'staging'))   ssl
 *   8 allow-db              trust→trust    app-subnet → db-hosts (10.20.2.10-20)   mysql
 *   9 allow-reporting       dmz→trust      reporting-hosts (10.30.x.5 wildcard)   tcp 9000-9010, shared tcp-8443
 *  10 drop-dns-except-corp  trust→untrust  any → NOT corp-dns (shared)   dns                         drop
 *  11 trust-intrazone-syslog intrazone trust   udp-syslog 514
 *  12 allow-ping-out        interzone from trust   ping, application-default
 *  13 Clean up              any                                                                      deny
 */
const CASES: ReadonlyArray<readonly [string, Fields, string, number]> = [
  ['service group via predefined service-http', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.225', protocol: 6, 'destination-port': 80 }, 'allow-web-in', 1],
  ['service-http covers 8080', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.224', protocol: 6, 'destination-port': 8080 }, 'allow-web-in', 1],
  ['nested service member tcp 8000 with an application', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.226', protocol: 6, 'destination-port': 8000, application: 'web-browsing' }, 'allow-web-in', 1],
  ['port outside the service group falls to Clean up', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.225', protocol: 6, 'destination-port': 443 }, 'Clean up', 13],
  ['udp never matches a tcp service', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.225', protocol: 17, 'destination-port': 80 }, 'Clean up', 13],
  ['application-default with the named application', { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: '172.20.200.225', protocol: 6, 'destination-port': 21, application: 'ftp' }, 'deny-cleartext-auth', 3],
  ['any/any zones rule applies across zones', { from: 'trust', to: 'dmz', source: '10.20.1.1', destination: '10.50.0.1', protocol: 6, 'destination-port': 23, application: 'telnet' }, 'deny-cleartext-auth', 3],
  ['ssl on its default port', { from: 'trust', to: 'untrust', source: '172.20.200.224', destination: '93.184.216.34', protocol: 6, 'destination-port': 443, application: 'ssl' }, 'allow-web-out', 2],
  ['dns over udp without an application (application-default table)', { from: 'trust', to: 'untrust', source: '172.20.200.224', destination: '8.8.8.8', protocol: 17, 'destination-port': 53 }, 'allow-web-out', 2],
  ['ssl off its default port is not application-default', { from: 'trust', to: 'untrust', source: '172.20.200.224', destination: '93.184.216.34', protocol: 6, 'destination-port': 8443, application: 'ssl' }, 'Clean up', 13],
  ['wrong zone pair', { from: 'untrust', to: 'trust', source: '172.20.200.224', destination: '93.184.216.34', protocol: 6, 'destination-port': 443, application: 'ssl' }, 'Clean up', 13],
  ['negated source: a partner is not caught by the deny', { from: 'untrust', to: 'trust', source: '198.51.100.7', destination: '172.20.10.5', protocol: 6, 'destination-port': 22, application: 'ssh' }, 'allow-ssh-partners', 6],
  ['negated source: a stranger is denied', { from: 'untrust', to: 'trust', source: '192.0.2.50', destination: '172.20.10.5', protocol: 6, 'destination-port': 22, application: 'ssh' }, 'deny-ssh-non-partners', 5],
  ['ip-range member inside the range (nested group)', { from: 'untrust', to: 'trust', source: '203.0.113.15', destination: '172.20.10.5', protocol: 6, 'destination-port': 22 }, 'allow-ssh-partners', 6],
  ['ip-range upper bound is inclusive', { from: 'untrust', to: 'trust', source: '203.0.113.20', destination: '172.20.10.5', protocol: 6, 'destination-port': 22, application: 'ssh' }, 'allow-ssh-partners', 6],
  ['just outside the ip-range', { from: 'untrust', to: 'trust', source: '203.0.113.21', destination: '172.20.10.5', protocol: 6, 'destination-port': 22, application: 'ssh' }, 'deny-ssh-non-partners', 5],
  ['ssh on a non-default port matches neither ssh rule', { from: 'untrust', to: 'trust', source: '198.51.100.7', destination: '172.20.10.5', protocol: 6, 'destination-port': 2222, application: 'ssh' }, 'Clean up', 13],
  ['DAG member through a tagged address object', { from: 'untrust', to: 'trust', source: '192.0.2.1', destination: '10.40.0.7', protocol: 6, 'destination-port': 443, application: 'ssl' }, 'allow-app-servers', 7],
  ['no DAG membership without registration', { from: 'untrust', to: 'trust', source: '192.0.2.1', destination: '10.0.1.5', protocol: 6, 'destination-port': 443, application: 'ssl' }, 'Clean up', 13],
  ['same-zone rule with range destination', { from: 'trust', to: 'trust', source: '10.20.1.33', destination: '10.20.2.15', protocol: 6, 'destination-port': 3306, application: 'mysql' }, 'allow-db', 8],
  ['destination outside the range; interzone rule skips same-zone traffic', { from: 'trust', to: 'trust', source: '10.20.1.33', destination: '10.20.2.21', protocol: 6, 'destination-port': 3306, application: 'mysql' }, 'Clean up', 13],
  ['ip-wildcard source and a named port range', { from: 'dmz', to: 'trust', source: '10.30.7.5', destination: '10.20.1.1', protocol: 6, 'destination-port': 9005 }, 'allow-reporting', 9],
  ['ip-wildcard mismatch', { from: 'dmz', to: 'trust', source: '10.30.7.6', destination: '10.20.1.1', protocol: 6, 'destination-port': 9005 }, 'Clean up', 13],
  ['shared service object', { from: 'dmz', to: 'trust', source: '10.30.200.5', destination: '10.20.1.1', protocol: 6, 'destination-port': 8443 }, 'allow-reporting', 9],
  ['negated destination: not the corporate resolver', { from: 'trust', to: 'untrust', source: '10.20.1.5', destination: '1.1.1.1', protocol: 17, 'destination-port': 53, application: 'dns' }, 'drop-dns-except-corp', 10],
  ['negated destination: the corporate resolver (shared object) escapes', { from: 'trust', to: 'untrust', source: '10.20.1.5', destination: '10.0.0.2', protocol: 17, 'destination-port': 53, application: 'dns' }, 'Clean up', 13],
  ['intrazone rule on same-zone traffic', { from: 'trust', to: 'trust', source: '10.20.1.5', destination: '10.20.1.9', protocol: 17, 'destination-port': 514 }, 'trust-intrazone-syslog', 11],
  ['intrazone rule ignores cross-zone traffic', { from: 'trust', to: 'untrust', source: '10.20.1.5', destination: '10.20.1.9', protocol: 17, 'destination-port': 514 }, 'Clean up', 13],
  ['ping = ICMP echo request, interzone', { from: 'trust', to: 'untrust', source: '10.20.1.5', destination: '8.8.8.8', protocol: 1, 'icmp-type': 8 }, 'allow-ping-out', 12],
  ['ICMP echo reply is not ping', { from: 'trust', to: 'untrust', source: '10.20.1.5', destination: '8.8.8.8', protocol: 1, 'icmp-type': 0 }, 'Clean up', 13],
  ['interzone rule skips same-zone ping', { from: 'trust', to: 'trust', source: '10.20.1.5', destination: '10.20.1.6', protocol: 1, 'icmp-type': 8, application: 'ping' }, 'Clean up', 13],
  ['the disabled allow-all is skipped', { from: 'untrust', to: 'trust', source: '192.0.2.1', destination: '172.20.99.99', protocol: 6, 'destination-port': 12345 }, 'Clean up', 13],
  ['zones omitted: zones do not constrain', { source: '203.0.113.9', destination: '172.20.200.225', protocol: 6, 'destination-port': 80 }, 'allow-web-in', 1],
  ['IPv6 traffic only meets any', { from: 'untrust', to: 'trust', source: '2001:db8::1', destination: '2001:db8::2', protocol: 6, 'destination-port': 80 }, 'Clean up', 13],
];

describe('PAN-OS sim: test security-policy-match on the sample running config', () => {
  let sim: PanosSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startPanosSim({ config: fixture('running-config.xml'), commitDurationMs: 5 });
    api = client(sim, await keygen(sim));
  });
  afterAll(async () => {
    await sim.close();
  });

  const lookup = async (fields: Fields): Promise<Array<{ name: string; index: string }>> => {
    const body = parseXml((await api.op(policyMatchCmd(fields))).body);
    expect(body.attrs['status']).toBe('success');
    return (child(body, 'result', 'rules')?.children ?? []).map((entry) => ({
      name: entry.attrs['name'] ?? '',
      index: child(entry, 'index')?.text ?? '',
    }));
  };

  it.each(CASES)('%s', async (_label, fields, rule, index) => {
    expect(await lookup(fields)).toEqual([{ name: rule, index: String(index) }]);
  });

  it('answers in the reference shape', async () => {
    // Reference: <rules><entry name=…><index/><from/><source/><to><member/></to><destination/><category/>
    // <application_service/><action/><terminal/></entry></rules>
    const body = (await api.op(policyMatchCmd(CASES[0]?.[1] ?? {}))).body;
    expectXml(
      body,
      `<response status="success"><result><rules>
         <entry name="allow-web-in"><index>1</index><from>untrust</from><source>any</source><to><member>trust</member></to>
           <destination>web-servers</destination><category>any</category><application_service>{{*}}</application_service>
           <action>allow</action><terminal>yes</terminal></entry>
       </rules></result></response>`,
    );
  });

  it('show-all lists every matching rule in order', async () => {
    const fields = { ...(CASES[0]?.[1] ?? {}), 'show-all': 'yes' };
    expect((await lookup(fields)).map((match) => match.name)).toEqual(['allow-web-in', 'Clean up']);
  });

  it('evaluates the running rulebase, not the candidate', async () => {
    await api.config('move', { xpath: `${RULES}/entry[@name='Clean up']`, where: 'top' });
    expect(await lookup(CASES[0]?.[1] ?? {})).toEqual([{ name: 'allow-web-in', index: '1' }]);
    expect(child(await api.commitAndWait(), 'result')?.text).toBe('OK');
    expect(await lookup(CASES[0]?.[1] ?? {})).toEqual([{ name: 'Clean up', index: '1' }]);
  });

  it('refuses lookups without the required fields (code 17)', async () => {
    const invalid = '<response status="error" code="17"><msg><line>{{*}}</line></msg></response>';
    expectXml((await api.op(policyMatchCmd({ source: '10.0.0.1', destination: '10.0.0.2' }))).body, invalid);
    expectXml((await api.op(policyMatchCmd({ source: '10.0.0.1', protocol: 6 }))).body, invalid);
    expectXml((await api.op(policyMatchCmd({ source: 'not-an-ip', destination: '10.0.0.2', protocol: 6 }))).body, invalid);
    expectXml((await api.op(policyMatchCmd({ source: '10.0.0.1', destination: '10.0.0.2', protocol: 300 }))).body, invalid);
  });
});

describe('PAN-OS sim: application-default table and the no-match answer', () => {
  const rule = (name: string, application: string, destination = 'any', service = 'application-default'): string =>
    `<entry name="${name}"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source>` +
    `<destination><member>${destination}</member></destination><application><member>${application}</member></application>` +
    `<service><member>${service}</member></service><action>allow</action></entry>`;
  const config = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
    <rulebase><security><rules>
      ${rule('allow-rdp', 'rdp')}
      ${rule('allow-redshift', 'amazon-redshift')}
      ${rule('allow-ldap', 'ldap')}
      ${rule('any-app-default', 'any', '10.9.9.9')}
    </rules></security></rulebase></entry></vsys></entry></devices></config>`;
  let sim: PanosSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startPanosSim({ config });
    api = client(sim, await keygen(sim));
  });
  afterAll(async () => {
    await sim.close();
  });

  const first = async (fields: Fields): Promise<string | undefined> =>
    child(parseXml((await api.op(policyMatchCmd({ source: '192.0.2.1', destination: '10.1.1.1', ...fields }))).body), 'result', 'rules')
      ?.children[0]?.attrs['name'];

  it.each([
    [{ protocol: 6, 'destination-port': 3389, application: 'ms-rdp' }, 'allow-rdp'],
    [{ protocol: 6, 'destination-port': 3389 }, 'allow-rdp'],
    [{ protocol: 6, 'destination-port': 5439 }, 'allow-redshift'],
    [{ protocol: 6, 'destination-port': 636, application: 'ldap' }, 'allow-ldap'],
    [{ protocol: 6, 'destination-port': 389 }, 'allow-ldap'],
    [{ protocol: 6, 'destination-port': 443, destination: '10.9.9.9' }, 'any-app-default'],
    [{ protocol: 6, 'destination-port': 443, destination: '10.9.9.9', application: 'ssl' }, 'any-app-default'],
    [{ protocol: 6, 'destination-port': 2222, destination: '10.9.9.9', application: 'ssh' }, undefined],
    [{ protocol: 6, 'destination-port': 3390 }, undefined],
    [{ protocol: 6, 'destination-port': 1234, destination: '10.9.9.9' }, undefined],
  ] as const)('%o → %s', async (fields, expected) => {
    expect(await first(fields)).toBe(expected);
  });

  it('answers an empty <rules/> when no rule matches', async () => {
    expectXml(
      (await api.op(policyMatchCmd({ from: 'trust', to: 'untrust', source: '192.0.2.1', destination: '10.1.1.1', protocol: 6, 'destination-port': 1234 }))).body,
      '<response status="success"><result><rules/></result></response>',
    );
  });
});
