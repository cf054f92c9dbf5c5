import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { ADDRESS, ADDRESS_GROUP, child, client, expectXml, keygen, parseXml, RULES, texts, VSYS } from './helpers.js';

// Reference payloads (panos-xml-api.md, "Response envelope" and "type=config").
const COMMAND_SUCCEEDED = '<response status="success" code="20"><msg>command succeeded</msg></response>';
const GET_MISSING = '<response status="success" code="7"><result/></response>';
const SHOW_MISSING = '<response status="error"><msg><line>No such node</line></msg></response>';
const DELETE_MISSING = '<response status="success" code="7"><msg>{{*}}</msg></response>';
const errorCode = (code: number): string => `<response status="error" code="${code}"><msg><line>{{*}}</line></msg></response>`;

const rule = (name: string, destination = 'any'): string =>
  `<entry name="${name}"><from><member>untrust</member></from><to><member>trust</member></to>` +
  `<source><member>any</member></source><destination><member>${destination}</member></destination>` +
  `<application><member>any</member></application><service><member>any</member></service><action>allow</action></entry>`;

describe('PAN-OS sim: type=config', () => {
  let sim: PanosSim;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startPanosSim({ commitDurationMs: 5 });
    api = client(sim, await keygen(sim));
  });
  afterAll(async () => {
    await sim.close();
  });

  const ruleNames = async (): Promise<string[]> =>
    (child(parseXml((await api.config('get', { xpath: `${RULES}/entry` })).body), 'result')?.children ?? []).map(
      (entry) => entry.attrs['name'] ?? '',
    );

  describe('get (candidate) vs show (running)', () => {
    const web1 = `${ADDRESS}/entry[@name='web1']`;

    it('set on the container adds the entry to the candidate only', async () => {
      const element = '<entry name="web1"><ip-netmask>10.0.0.5/32</ip-netmask><tag><member>ruleport</member></tag></entry>';
      expectXml((await api.config('set', { xpath: ADDRESS, element })).body, COMMAND_SUCCEEDED);
      expectXml(
        (await api.config('get', { xpath: web1 })).body,
        `<response status="success" code="19"><result total-count="1" count="1">
           <entry name="web1" admin="admin" dirtyId="{{*}}" time="{{*}}"><ip-netmask>10.0.0.5/32</ip-netmask><tag><member>ruleport</member></tag></entry>
         </result></response>`,
      );
      expectXml((await api.config('show', { xpath: web1 })).body, SHOW_MISSING);
    });

    it('after a commit, show returns the node and get no longer flags it', async () => {
      expect(child(await api.commitAndWait(), 'result')?.text).toBe('OK');
      const entry = '<entry name="web1"><ip-netmask>10.0.0.5/32</ip-netmask><tag><member>ruleport</member></tag></entry>';
      expectXml((await api.config('show', { xpath: web1 })).body, `<response status="success"><result>${entry}</result></response>`);
      expectXml(
        (await api.config('get', { xpath: web1 })).body,
        `<response status="success" code="19"><result total-count="1" count="1">${entry}</result></response>`,
      );
    });

    it('get of a missing node is success code 7 with an empty result', async () => {
      expectXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='nope']` })).body, GET_MISSING);
      expectXml((await api.config('show', { xpath: `${ADDRESS}/entry[@name='nope']` })).body, SHOW_MISSING);
    });

    it('reads shared and predefined objects', async () => {
      const shared = '/config/shared/address';
      expectXml((await api.config('set', { xpath: shared, element: '<entry name="dns"><ip-netmask>10.0.0.2</ip-netmask></entry>' })).body, COMMAND_SUCCEEDED);
      expectXml(
        (await api.config('get', { xpath: `${shared}/entry[@name='dns']` })).body,
        '<response status="success" code="19"><result total-count="1" count="1"><entry name="dns" admin="admin" dirtyId="{{*}}" time="{{*}}"><ip-netmask>10.0.0.2</ip-netmask></entry></result></response>',
      );
      for (const [name, port] of [['service-http', '80,8080'], ['service-https', '443']]) {
        expectXml(
          (await api.config('show', { xpath: `/config/predefined/service/entry[@name='${name}']` })).body,
          `<response status="success"><result><entry name="${name}"><protocol><tcp><port>${port}</port></tcp></protocol></entry></result></response>`,
        );
      }
      expectXml(
        (await api.config('set', { xpath: '/config/predefined/service', element: '<entry name="x"/>' })).body,
        errorCode(14),
      );
    });
  });

  describe('set / edit / delete', () => {
    const web2 = `${ADDRESS}/entry[@name='web2']`;

    it('set on an entry merges children: members once, exclusive choices replaced', async () => {
      await api.config('set', { xpath: web2, element: '<ip-netmask>10.0.0.6/32</ip-netmask><tag><member>a</member></tag>' });
      await api.config('set', { xpath: web2, element: '<ip-range>10.0.0.6-10.0.0.9</ip-range><tag><member>a</member><member>b</member></tag>' });
      expectXml(
        (await api.config('get', { xpath: web2 })).body,
        `<response status="success" code="19"><result total-count="1" count="1">
           <entry name="web2" admin="admin" dirtyId="{{*}}" time="{{*}}"><tag><member>a</member><member>b</member></tag><ip-range>10.0.0.6-10.0.0.9</ip-range></entry>
         </result></response>`,
      );
      const all = parseXml((await api.config('get', { xpath: `${ADDRESS}/entry` })).body);
      expect(child(all, 'result')?.attrs).toEqual({ 'total-count': '2', count: '2' });
    });

    it('edit replaces the node; its root must be the xpath last node', async () => {
      expectXml((await api.config('edit', { xpath: web2, element: '<entry name="web2"><fqdn>web2.example.com</fqdn></entry>' })).body, COMMAND_SUCCEEDED);
      const got = parseXml((await api.config('get', { xpath: web2 })).body);
      expect(child(got, 'result', 'entry')?.children.map((c) => c.name)).toEqual(['fqdn']);
      for (const element of [
        '<entry name="other"><fqdn>x</fqdn></entry>',
        '<address><entry name="web2"/></address>',
        '<entry name="web2"/><entry name="web2"/>',
      ]) {
        expectXml((await api.config('edit', { xpath: web2, element })).body, errorCode(12));
      }
    });

    it('refuses malformed elements and unnamed or over-long entries with code 12', async () => {
      for (const element of [
        '<entry name="x"><ip-netmask>10.0.0.1</ip-netmask>',
        '<entry name="x"><ip-netmask>10.0.0.1</ip-mask></entry>',
        '<entry name="x">&unknown;</entry>',
        '<!DOCTYPE x [<!ENTITY a "b">]><entry name="x"/>',
        '<entry><ip-netmask>10.0.0.1</ip-netmask></entry>',
        `<entry name="${'n'.repeat(64)}"><ip-netmask>10.0.0.1</ip-netmask></entry>`,
        `<entry name="deep">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</entry>`,
      ]) {
        expectXml((await api.config('set', { xpath: ADDRESS, element })).body, errorCode(12));
      }
      expectXml((await api.config('set', { xpath: `${ADDRESS}/entry[@name='${'n'.repeat(64)}']`, element: '<ip-netmask>10.0.0.1</ip-netmask>' })).body, errorCode(12));
      expectXml((await api.config('set', { xpath: `${ADDRESS}/entry[@name='']`, element: '<ip-netmask>10.0.0.1</ip-netmask>' })).body, errorCode(12));
      expectXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='x']` })).body, GET_MISSING);
      expect(sim.candidateXml()).not.toContain('nnnnnnnn');
    });

    it('an element read with get can be edited back: admin/dirtyId/time are not stored', async () => {
      const read = child(parseXml((await api.config('get', { xpath: web2 })).body), 'result', 'entry');
      expect(read?.attrs['admin']).toBe('admin');
      const element = `<entry name="web2" admin="admin" dirtyId="${read?.attrs['dirtyId'] ?? ''}" time="${read?.attrs['time'] ?? ''}"><fqdn>web2.example.org</fqdn></entry>`;
      expectXml((await api.config('edit', { xpath: web2, element })).body, COMMAND_SUCCEEDED);
      expect(sim.candidateXml()).toContain('<entry name="web2">');
    });

    it('delete of an object still referenced by a rule or group is code 10', async () => {
      await api.config('set', { xpath: RULES, element: rule('uses-web1', 'web1') });
      await api.config('set', { xpath: ADDRESS_GROUP, element: '<entry name="grp"><static><member>web2</member></static></entry>' });
      const refused = expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='web1']` })).body, '<response status="error" code="10"><msg><line>{{*}}</line><line>{{*}}</line></msg></response>');
      expect(texts(child(refused, 'msg'), 'line')).toEqual([
        'web1 cannot be deleted because of references from:',
        'vsys -> vsys1 -> rulebase -> security -> rules -> uses-web1 -> destination',
      ]);
      const viaGroup = parseXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='web2']` })).body);
      expect(viaGroup.attrs).toEqual({ status: 'error', code: '10' });
      expect(texts(child(viaGroup, 'msg'), 'line')).toEqual([
        'web2 cannot be deleted because of references from:',
        'vsys -> vsys1 -> address-group -> grp -> static',
      ]);
      // Once the referrer is gone the delete goes through.
      expectXml((await api.config('delete', { xpath: `${RULES}/entry[@name='uses-web1']` })).body, COMMAND_SUCCEEDED);
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='web1']` })).body, COMMAND_SUCCEEDED);
      expectXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='web1']` })).body, GET_MISSING);
    });

    it('delete of an object a NAT rule names (member, service value, translated address) is code 10 too', async () => {
      await api.config('set', { xpath: ADDRESS, element: '<entry name="nat-src"><ip-netmask>10.8.0.0/24</ip-netmask></entry><entry name="nat-pool"><ip-netmask>198.51.100.7</ip-netmask></entry>' });
      await api.config('set', { xpath: `${VSYS}/service`, element: '<entry name="nat-svc"><protocol><tcp><port>8443</port></tcp></protocol></entry>' });
      const nat =
        '<entry name="outbound"><from><member>trust</member></from><to><member>untrust</member></to>' +
        '<source><member>nat-src</member></source><destination><member>any</member></destination><service>nat-svc</service>' +
        '<source-translation><static-ip><translated-address>nat-pool</translated-address></static-ip></source-translation></entry>';
      expectXml((await api.config('set', { xpath: `${VSYS}/rulebase/nat/rules`, element: nat })).body, COMMAND_SUCCEEDED);
      const base = 'vsys -> vsys1 -> rulebase -> nat -> rules -> outbound';
      for (const [xpath, name, where] of [
        [`${ADDRESS}/entry[@name='nat-src']`, 'nat-src', 'source'],
        [`${VSYS}/service/entry[@name='nat-svc']`, 'nat-svc', 'service'],
        [`${ADDRESS}/entry[@name='nat-pool']`, 'nat-pool', 'source-translation -> static-ip -> translated-address'],
      ] as const) {
        const refused = parseXml((await api.config('delete', { xpath })).body);
        expect(refused.attrs).toEqual({ status: 'error', code: '10' });
        expect(texts(child(refused, 'msg'), 'line')).toEqual([`${name} cannot be deleted because of references from:`, `${base} -> ${where}`]);
      }
      expectXml((await api.config('delete', { xpath: `${VSYS}/rulebase/nat/rules/entry[@name='outbound']` })).body, COMMAND_SUCCEEDED);
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='nat-pool']` })).body, COMMAND_SUCCEEDED);
    });

    it('a delete or edit whose xpath names several nodes is code 8 and changes none of them', async () => {
      const names = '<entry name="many-1"><ip-netmask>10.9.0.1</ip-netmask></entry><entry name="many-2"><ip-netmask>10.9.0.2</ip-netmask></entry>';
      expectXml((await api.config('set', { xpath: ADDRESS, element: names })).body, COMMAND_SUCCEEDED);
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry` })).body, errorCode(8));
      expectXml((await api.config('edit', { xpath: `${ADDRESS}/entry/ip-netmask`, element: '<ip-netmask>10.9.9.9</ip-netmask>' })).body, errorCode(8));
      for (const [name, ip] of [['many-1', '10.9.0.1'], ['many-2', '10.9.0.2']]) {
        const entry = child(parseXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='${name}']` })).body), 'result', 'entry');
        expect(child(entry!, 'ip-netmask')?.text).toBe(ip);
      }
    });

    it('delete of a missing node is success code 7', async () => {
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='never-was']` })).body, DELETE_MISSING);
    });

    it('missing parameters are HTTP 400', async () => {
      expect((await api.config('get', {})).status).toBe(400);
      expect((await api.config('set', { xpath: ADDRESS })).status).toBe(400);
    });
  });

  describe('move / rename / clone', () => {
    it('set may add several rules at once; move supports top, bottom, before and after', async () => {
      await api.config('set', { xpath: RULES, element: rule('a') + rule('b') + rule('c') + rule('d') });
      expect(await ruleNames()).toEqual(['a', 'b', 'c', 'd']);
      const move = (name: string, where: string, dst?: string) =>
        api.config('move', { xpath: `${RULES}/entry[@name='${name}']`, where, ...(dst === undefined ? {} : { dst }) });
      expectXml((await move('d', 'top')).body, COMMAND_SUCCEEDED);
      expect(await ruleNames()).toEqual(['d', 'a', 'b', 'c']);
      await move('d', 'bottom');
      expect(await ruleNames()).toEqual(['a', 'b', 'c', 'd']);
      await move('a', 'after', 'c');
      expect(await ruleNames()).toEqual(['b', 'c', 'a', 'd']);
      await move('d', 'before', 'b');
      expect(await ruleNames()).toEqual(['d', 'b', 'c', 'a']);
      expectXml((await move('d', 'before', 'zzz')).body, errorCode(13));
      expectXml((await move('zzz', 'top')).body, errorCode(13));
      expect((await move('d', 'sideways')).status).toBe(400);
      expect(await ruleNames()).toEqual(['d', 'b', 'c', 'a']);
    });

    it('rename carries through to references and refuses a taken name', async () => {
      await api.config('set', { xpath: ADDRESS, element: '<entry name="web3"><ip-netmask>10.0.0.7</ip-netmask></entry>' });
      await api.config('set', { xpath: `${RULES}/entry[@name='a']/destination`, element: '<member>web3</member>' });
      await api.config('edit', { xpath: `${RULES}/entry[@name='a']/destination`, element: '<destination><member>web3</member></destination>' });
      expectXml((await api.config('rename', { xpath: `${ADDRESS}/entry[@name='web3']`, newname: 'web3-new' })).body, COMMAND_SUCCEEDED);
      const destination = child(parseXml((await api.config('get', { xpath: `${RULES}/entry[@name='a']/destination` })).body), 'result', 'destination');
      expect(texts(destination, 'member')).toEqual(['web3-new']);
      expectXml((await api.config('rename', { xpath: `${RULES}/entry[@name='b']`, newname: 'c' })).body, errorCode(12));
      expectXml((await api.config('rename', { xpath: `${RULES}/entry[@name='b']`, newname: 'b2' })).body, COMMAND_SUCCEEDED);
      expect(await ruleNames()).toEqual(['d', 'b2', 'c', 'a']);
    });

    it('clone copies an entry under a new name right after the original', async () => {
      expectXml((await api.config('clone', { xpath: RULES, from: `${RULES}/entry[@name='c']`, newname: 'c-copy' })).body, COMMAND_SUCCEEDED);
      expect(await ruleNames()).toEqual(['d', 'b2', 'c', 'c-copy', 'a']);
      expectXml((await api.config('clone', { xpath: RULES, from: `${RULES}/entry[@name='c']`, newname: 'a' })).body, errorCode(12));
      expectXml((await api.config('clone', { xpath: RULES, from: `${RULES}/entry[@name='zzz']`, newname: 'z' })).body, errorCode(13));
    });
  });

  describe('multi-config', () => {
    it('answers with one nested response per action', async () => {
      const element = `<multi-config>
        <set id="1" xpath="${ADDRESS}"><entry name="m1"><ip-netmask>10.1.1.1</ip-netmask></entry></set>
        <edit id="2" xpath="${ADDRESS}/entry[@name='m1']"><entry name="m1"><ip-netmask>10.1.1.2</ip-netmask></entry></edit>
        <delete id="3" xpath="${ADDRESS}/entry[@name='not-there']"/>
        <move id="4" xpath="${RULES}/entry[@name='a']" where="top"/>
        <rename id="5" xpath="${RULES}/entry[@name='c-copy']" newname="c2"/>
      </multi-config>`;
      expectXml(
        (await api.config('multi-config', { element })).body,
        `<response status="success" code="20">
           <response id="1" status="success" code="20"><msg>command succeeded</msg></response>
           <response id="2" status="success" code="20"><msg>command succeeded</msg></response>
           <response id="3" status="success" code="7"><msg>{{*}}</msg></response>
           <response id="4" status="success" code="20"><msg>command succeeded</msg></response>
           <response id="5" status="success" code="20"><msg>command succeeded</msg></response>
         </response>`,
      );
      expect(await ruleNames()).toEqual(['a', 'd', 'b2', 'c', 'c2']);
      const m1 = child(parseXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='m1']` })).body), 'result', 'entry');
      expect(child(m1, 'ip-netmask')?.text).toBe('10.1.1.2');
    });

    it('stops at the first failure; without strict-transactional earlier actions stay', async () => {
      const element = `<multi-config>
        <set id="ok" xpath="${ADDRESS}"><entry name="m2"><ip-netmask>10.1.1.3</ip-netmask></entry></set>
        <set id="bad" xpath="${ADDRESS}/entry[1]"><ip-netmask>10.1.1.4</ip-netmask></set>
        <set id="never" xpath="${ADDRESS}"><entry name="m2b"><ip-netmask>10.1.1.5</ip-netmask></entry></set>
      </multi-config>`;
      expectXml(
        (await api.config('multi-config', { element })).body,
        `<response status="error" code="6">
           <response id="ok" status="success" code="20"><msg>command succeeded</msg></response>
           <response id="bad" status="error" code="6"><msg><line>{{*}}</line></msg></response>
         </response>`,
      );
      expect(child(parseXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='m2']` })).body), 'result')?.attrs['count']).toBe('1');
      expectXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='m2b']` })).body, GET_MISSING);
    });

    it('with strict-transactional=yes a failure rolls every action back', async () => {
      const before = sim.candidateXml();
      const pendingBefore = sim.pendingChanges().length;
      const element = `<multi-config>
        <set id="1" xpath="${ADDRESS}"><entry name="m3"><ip-netmask>10.1.1.6</ip-netmask></entry></set>
        <delete id="2" xpath="${ADDRESS}/entry[@name='m1']"/>
        <rename id="3" xpath="${RULES}/entry[@name='missing']" newname="x"/>
      </multi-config>`;
      const response = parseXml((await api.config('multi-config', { element, 'strict-transactional': 'yes' })).body);
      expect(response.attrs).toEqual({ status: 'error', code: '13' });
      expect(response.children.map((c) => c.attrs['status'])).toEqual(['success', 'success', 'error']);
      expect(sim.candidateXml()).toBe(before);
      expect(sim.pendingChanges()).toHaveLength(pendingBefore);
    });
  });

  describe('xpath handling', () => {
    it('rejects anything outside the strict subset with code 6', async () => {
      for (const xpath of [
        'config/devices',
        '/config//address',
        `${VSYS}/address/entry[1]`,
        `${VSYS}/address/entry[@uuid='x']`,
        `${VSYS}/address/*`,
        `${VSYS}/address/..`,
        `${VSYS}/address/entry[@name=web1]`,
        `${VSYS}/address/entry[@name='web1'`,
        `${VSYS}/address/entry[@name='web1']]`,
        `${VSYS}/address/entry[@name='web1' or 1=1]`,
        `${VSYS}/address/entry[@name='a']/../../rulebase`,
        '/config/ devices',
        '/config/',
        `${VSYS}/address/text()`,
      ]) {
        expectXml((await api.config('get', { xpath })).body, errorCode(6));
        expectXml((await api.config('set', { xpath, element: '<x/>' })).body, errorCode(6));
      }
    });

    it('treats quoted names literally, whatever characters they hold', async () => {
      const tricky = "a]/../b";
      expectXml((await api.config('set', { xpath: ADDRESS, element: `<entry name="${tricky}"><ip-netmask>10.9.9.9</ip-netmask></entry>` })).body, COMMAND_SUCCEEDED);
      const got = parseXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='${tricky}']` })).body);
      expect(child(got, 'result', 'entry')?.attrs['name']).toBe(tricky);

      // A name with a single quote must be addressed with double quotes.
      const quoted = `it's "x"-free`.replace(/"/g, '');
      expectXml((await api.config('set', { xpath: `${ADDRESS}/entry[@name="${quoted}"]`, element: '<ip-netmask>10.9.9.8</ip-netmask>' })).body, COMMAND_SUCCEEDED);
      expectXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name='${quoted}']` })).body, errorCode(6));
      expect(child(parseXml((await api.config('get', { xpath: `${ADDRESS}/entry[@name="${quoted}"]` })).body), 'result', 'entry')?.attrs['name']).toBe(quoted);

      // An injection-shaped name is only a name: nothing else in the tree is touched.
      const injection = "x'] | /config/mgt-config | /a[@name='";
      const mgtBefore = (await api.config('get', { xpath: '/config/mgt-config' })).body;
      await api.config('set', { xpath: ADDRESS, element: `<entry name="${injection.replace(/'/g, '&apos;')}"><ip-netmask>10.9.9.7</ip-netmask></entry>` });
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name="${injection}"]` })).body, COMMAND_SUCCEEDED);
      expect((await api.config('get', { xpath: '/config/mgt-config' })).body).toBe(mgtBefore);
      expectXml((await api.config('delete', { xpath: `${ADDRESS}/entry[@name='${tricky}']` })).body, COMMAND_SUCCEEDED);
      const names = (child(parseXml((await api.config('get', { xpath: `${ADDRESS}/entry` })).body), 'result')?.children ?? []).map((e) => e.attrs['name']);
      expect(names).toContain(quoted);
      expect(names).not.toContain(tricky);
      expect(names).not.toContain(injection);
    });
  });
});
