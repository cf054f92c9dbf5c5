import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { child, client, expectXml, expectXmlSubset, keygen, parseXml, policyMatchCmd } from './helpers.js';

const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
  <zone><entry name="trust"/><entry name="untrust"/></zone>
  <address-group><entry name="sg-0abc"><dynamic><filter>'sg-0abc' and 'vpc-1'</filter></dynamic></entry></address-group>
  <rulebase><security><rules>
    <entry name="allow-sg-0abc"><from><member>untrust</member></from><to><member>trust</member></to>
      <source><member>any</member></source><destination><member>sg-0abc</member></destination>
      <application><member>ssl</member></application><service><member>application-default</member></service>
      <action>allow</action></entry>
  </rules></security></rulebase>
</entry></vsys></entry></devices></config>`;

/** The reference's uid-message, with the register/unregister parts given. */
const uidMessage = (register: string, unregister = ''): string =>
  `<uid-message><version>2.0</version><type>update</type><payload>` +
  (register === '' ? '' : `<register>${register}</register>`) +
  (unregister === '' ? '' : `<unregister>${unregister}</unregister>`) +
  `</payload></uid-message>`;
const entry = (ip: string, ...tags: string[]): string =>
  `<entry ip="${ip}">${tags.length === 0 ? '' : `<tag>${tags.map((tag) => `<member>${tag}</member>`).join('')}</tag>`}</entry>`;

describe('PAN-OS sim: type=user-id and dynamic address groups', () => {
  let sim: PanosSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startPanosSim({ config: CONFIG });
    api = client(sim, await keygen(sim));
  });
  afterAll(async () => {
    await sim.close();
  });

  const matches = async (destination: string): Promise<string[]> => {
    const cmd = policyMatchCmd({ from: 'untrust', to: 'trust', source: '203.0.113.9', destination, protocol: 6, 'destination-port': 443, application: 'ssl' });
    return (child(parseXml((await api.op(cmd)).body), 'result', 'rules')?.children ?? []).map((rule) => rule.attrs['name'] ?? '');
  };
  const send = async (message: string): Promise<string> => (await api.userId(message)).body;

  it('an IP joins the DAG as soon as its tags satisfy the filter, without a commit', async () => {
    expect(await matches('10.0.1.5')).toEqual([]);
    expectXmlSubset(await send(uidMessage(entry('10.0.1.5', 'sg-0abc'))), '<response status="success"><result><uid-response/></result></response>');
    expect(await matches('10.0.1.5')).toEqual([]); // 'vpc-1' still missing
    await send(uidMessage(entry('10.0.1.5', 'vpc-1')));
    expect(await matches('10.0.1.5')).toEqual(['allow-sg-0abc']);
    expectXml((await api.op('<check><pending-changes/></check>')).body, '<response status="success"><result>no</result></response>');
    expect(sim.registeredIps()).toEqual([{ ip: '10.0.1.5', tags: ['sg-0abc', 'vpc-1'] }]);
  });

  it('lists registrations with show object registered-ip all', async () => {
    expectXml(
      (await api.op('<show><object><registered-ip><all/></registered-ip></object></show>')).body,
      `<response status="success"><result>
         <entry ip="10.0.1.5" from_agent="0" persistent="1"><tag><member>sg-0abc</member><member>vpc-1</member></tag></entry>
         <count>1</count>
       </result></response>`,
    );
    const dags = parseXml((await api.op('<show><object><dynamic-address-group><all/></dynamic-address-group></object></show>')).body);
    const group = child(dags, 'result', 'dyn-addr-grp', 'entry');
    expect(child(group, 'group-name')?.text).toBe('sg-0abc');
    expect(child(group, 'member-list')?.children.map((member) => member.attrs['name'])).toEqual(['10.0.1.5']);
  });

  it('register and unregister in one message; unregistering a tag takes the IP out', async () => {
    await send(uidMessage(entry('10.0.1.9', 'sg-0abc', 'vpc-1'), entry('10.0.1.5', 'sg-0abc')));
    expect(await matches('10.0.1.9')).toEqual(['allow-sg-0abc']);
    expect(await matches('10.0.1.5')).toEqual([]);
    await send(uidMessage('', entry('10.0.1.9')));
    expect(await matches('10.0.1.9')).toEqual([]);
    expect(sim.registeredIps()).toEqual([{ ip: '10.0.1.5', tags: ['vpc-1'] }]);
  });

  it('matches IPv6 registrations whatever the spelling', async () => {
    await send(uidMessage(entry('2001:db8::5', 'sg-0abc', 'vpc-1')));
    expect(await matches('2001:0db8:0:0:0:0:0:5')).toEqual(['allow-sg-0abc']);
  });

  it('refuses a bad message as a whole', async () => {
    const before = sim.registeredIps();
    expectXml(
      await send(uidMessage(entry('10.0.9.1', 'sg-0abc') + entry('10.0.9.300', 'sg-0abc'))),
      '<response status="error" code="17"><msg><line>{{*}}</line></msg></response>',
    );
    expectXml(await send('<uid-message><payload>'), '<response status="error" code="18"><msg><line>{{*}}</line></msg></response>');
    expect(sim.registeredIps()).toEqual(before);
  });
});
