import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPanosSim, PanosApiError, type PanosSim } from '../../../sim/panos/index.js';
import { ADDRESS, child, client, expectXml, expectXmlSubset, keygen, parseXml, RULES, texts, waitForJob } from './helpers.js';

// Reference payloads (panos-xml-api.md, "type=commit and jobs", "type=op").
const NOTHING_TO_COMMIT = '<response status="success" code="19"><msg>There are no changes to commit.</msg></response>';
const ENQUEUED = '<response status="success" code="19"><result><msg><line>{{*}}</line></msg><job>{{*}}</job></result></response>';
const BUSY = '<response status="error"><msg><line>Another commit/validate is in progress. Please try again later</line></msg></response>';
const PENDING = (answer: 'yes' | 'no'): string => `<response status="success"><result>${answer}</result></response>`;
const SHOW_MISSING = '<response status="error"><msg><line>No such node</line></msg></response>';
const CHECK_PENDING = '<check><pending-changes/></check>';
const REVERT = '<load><config><from>running-config.xml</from></config></load>';
const PARTIAL = (admin: string): string => `<commit><partial><admin><member>${admin}</member></admin></partial></commit>`;
const address = (name: string, ip: string): string => `<entry name="${name}"><ip-netmask>${ip}</ip-netmask></entry>`;
const addressXpath = (name: string): string => `${ADDRESS}/entry[@name='${name}']`;

describe('PAN-OS sim: commits, jobs and locks', () => {
  let sim: PanosSim;
  let api: ReturnType<typeof client>;
  let otherAdmin: ReturnType<typeof client>;

  beforeAll(async () => {
    sim = await startPanosSim({ users: { admin: 'admin', 'ruleport-api': 'pw' }, commitDurationMs: 40 });
    api = client(sim, await keygen(sim, 'ruleport-api', 'pw'));
    otherAdmin = client(sim, await keygen(sim, 'admin', 'admin'));
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    // Every test starts from a clean candidate, with no locks held.
    sim.releaseCommitLock();
    sim.releaseConfigLock();
    await api.op(REVERT);
  });

  const enqueue = async (cmd?: string): Promise<string> => {
    const body = expectXml((await api.commit(cmd)).body, ENQUEUED);
    const id = child(body, 'result', 'job')?.text ?? '';
    expect(texts(child(body, 'result', 'msg'), 'line')).toEqual([`Commit job enqueued with jobid ${id}`]);
    return id;
  };

  it('with nothing pending, commit answers "There are no changes to commit."', async () => {
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('no'));
    expectXml((await api.commit()).body, NOTHING_TO_COMMIT);
  });

  it('runs a commit job ACT/PEND → FIN/OK, refusing a second commit meanwhile', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('lifecycle', '10.0.0.1') });
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('yes'));
    sim.setCommitDuration(60_000); // hold the job in ACT while we look at it
    const id = await enqueue('<commit><description>ruleport</description></commit>');

    expectXmlSubset(
      (await api.op(`<show><jobs><id>${id}</id></jobs></show>`)).body,
      `<response status="success"><result><job><id>${id}</id><type>Commit</type><status>ACT</status><result>PEND</result><progress>{{*}}</progress><details/></job></result></response>`,
    );
    expectXml((await api.commit()).body, BUSY);
    expectXml((await api.config('show', { xpath: addressXpath('lifecycle') })).body, SHOW_MISSING);

    sim.setCommitDuration(40);
    const job = await waitForJob(api.run, id);
    expect(child(job, 'result')?.text).toBe('OK');
    expect(child(job, 'progress')?.text).toBe('100');
    expect(child(job, 'description')?.text).toBe('ruleport');
    expect(texts(child(job, 'details'), 'line')).toEqual(['Configuration committed successfully']);
    expectXml(
      (await api.config('show', { xpath: addressXpath('lifecycle') })).body,
      `<response status="success"><result>${address('lifecycle', '10.0.0.1')}</result></response>`,
    );
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('no'));
  });

  it('commits the candidate as it was at enqueue time; later edits stay pending', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('early', '10.0.0.2') });
    sim.setCommitDuration(60_000);
    const id = await enqueue();
    await api.config('set', { xpath: ADDRESS, element: address('late', '10.0.0.3') });
    sim.setCommitDuration(40);
    expect(child(await waitForJob(api.run, id), 'result')?.text).toBe('OK');
    expect(sim.runningXml()).toContain('name="early"');
    expect(sim.runningXml()).not.toContain('name="late"');
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('yes'));
  });

  it('an injected failure ends FAIL with the given details and leaves running untouched', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('doomed', '10.0.0.4') });
    const runningBefore = sim.runningXml();
    sim.failNextCommit(['Validation Error:', 'injected by the test']);
    const id = await enqueue();
    const job = await waitForJob(api.run, id);
    expectXmlSubset(
      (await api.op(`<show><jobs><id>${id}</id></jobs></show>`)).body,
      `<response status="success"><result><job><id>${id}</id><type>Commit</type><status>FIN</status><result>FAIL</result><progress>100</progress>
         <details><line>Validation Error:</line><line>injected by the test</line></details></job></result></response>`,
    );
    expect(child(job, 'result')?.text).toBe('FAIL');
    expect(texts(child(job, 'details'), 'line')).toEqual(['Validation Error:', 'injected by the test']);
    expect(sim.runningXml()).toBe(runningBefore);
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('yes'));
    // The injection is used up: the retry succeeds.
    expect(child(await waitForJob(api.run, await enqueue()), 'result')?.text).toBe('OK');
    expect(sim.runningXml()).toContain('name="doomed"');
  });

  it('validates references at commit time', async () => {
    const rule =
      '<entry name="to-ghost"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source>' +
      '<destination><member>ghost</member></destination><application><member>any</member></application><service><member>any</member></service><action>allow</action></entry>';
    expectXml((await api.config('set', { xpath: RULES, element: rule })).body, '<response status="success" code="20"><msg>command succeeded</msg></response>');
    const runningBefore = sim.runningXml();
    const job = await waitForJob(api.run, await enqueue());
    expect(child(job, 'result')?.text).toBe('FAIL');
    expect(texts(child(job, 'details'), 'line')).toContain(
      "vsys -> vsys1 -> rulebase -> security -> rules -> to-ghost -> destination 'ghost' is not a valid reference",
    );
    expect(sim.runningXml()).toBe(runningBefore);
  });

  it('load config from running-config.xml reverts every pending change', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('reverted', '10.0.0.5') });
    sim.editAsAdmin('bob', 'set', ADDRESS, address('bobs-reverted', '10.0.0.6'));
    expectXml((await api.op(REVERT)).body, '<response status="success"><result><msg><line>{{*}}</line></msg></result></response>');
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('no'));
    expect(sim.candidateXml()).toBe(sim.runningXml());
  });

  it('a partial commit installs only that admin’s changes and leaves the others pending', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('mine', '10.0.1.1') });
    sim.editAsAdmin('bob', 'set', ADDRESS, address('bobs', '10.0.1.2'));
    expect(sim.pendingChanges().map((change) => change.admin)).toEqual(['ruleport-api', 'bob']);

    const job = await waitForJob(api.run, await enqueue(PARTIAL('ruleport-api')));
    expect(child(job, 'result')?.text).toBe('OK');
    expect(child(parseXml((await api.config('show', { xpath: addressXpath('mine') })).body), 'result', 'entry')).toBeDefined();
    expectXml((await api.config('show', { xpath: addressXpath('bobs') })).body, SHOW_MISSING);
    expectXml(
      (await api.config('get', { xpath: addressXpath('bobs') })).body,
      `<response status="success" code="19"><result total-count="1" count="1"><entry name="bobs" admin="bob" dirtyId="{{*}}" time="{{*}}"><ip-netmask>10.0.1.2</ip-netmask></entry></result></response>`,
    );
    expectXml((await api.op(CHECK_PENDING)).body, PENDING('yes'));
    expect(sim.pendingChanges()).toEqual([{ admin: 'bob', action: 'set', xpath: ADDRESS }]);

    // Nothing of ruleport-api's is left to commit; bob's change goes in with a full commit.
    expectXml((await api.commit(PARTIAL('ruleport-api'))).body, NOTHING_TO_COMMIT);
    expect(child(await waitForJob(api.run, await enqueue()), 'result')?.text).toBe('OK');
    expect(sim.runningXml()).toContain('name="bobs"');
  });

  it('a commit lock held by another admin blocks commits until released', async () => {
    await api.config('set', { xpath: ADDRESS, element: address('locked-out', '10.0.2.1') });
    sim.holdCommitLock('bob');
    const refused = parseXml((await api.commit()).body);
    expect(refused.attrs['status']).toBe('error');
    expect(texts(child(refused, 'msg'), 'line')[0]).toMatch(/^Commit lock is already held/);
    sim.releaseCommitLock();

    const add = '<request><commit-lock><add><comment>ruleport sync</comment></add></commit-lock></request>';
    expectXml((await otherAdmin.op(add)).body, '<response status="success"><result>{{*}}</result></response>');
    expect(texts(child(parseXml((await api.op(add)).body), 'msg'), 'line')[0]).toMatch(/^Commit lock is already held/);
    expect(texts(child(parseXml((await api.commit()).body), 'msg'), 'line')[0]).toMatch(/^Commit lock is already held by admin/);
    const remove = '<request><commit-lock><remove/></commit-lock></request>';
    expect(parseXml((await api.op(remove)).body).attrs['status']).toBe('error');
    expectXml((await otherAdmin.op(remove)).body, '<response status="success"><result>{{*}}</result></response>');
    expect(child(await waitForJob(api.run, await enqueue()), 'result')?.text).toBe('OK');
  });

  it('a config lock held by another admin blocks that admin’s edits', async () => {
    const add = '<request><config-lock><add><comment>maintenance</comment></add></config-lock></request>';
    expectXml((await otherAdmin.op(add)).body, '<response status="success"><result>{{*}}</result></response>');
    const lockedMsg = '<response status="error"><msg><line>Configuration is locked by admin</line></msg></response>';
    expectXml((await api.config('set', { xpath: ADDRESS, element: address('blocked', '10.0.3.1') })).body, lockedMsg);
    expectXml((await api.config('multi-config', { element: `<multi-config><delete id="1" xpath="${addressXpath('x')}"/></multi-config>` })).body, lockedMsg);
    expectXml((await api.op(add)).body, lockedMsg);
    expect(() => sim.editAsAdmin('bob', 'set', ADDRESS, address('blocked', '10.0.3.1'))).toThrow(PanosApiError);
    // The holder can still edit; reads are never blocked.
    expectXml((await otherAdmin.config('set', { xpath: ADDRESS, element: address('holder', '10.0.3.2') })).body, '<response status="success" code="20"><msg>command succeeded</msg></response>');
    expect(parseXml((await api.config('get', { xpath: addressXpath('holder') })).body).attrs['code']).toBe('19');
    expectXml((await otherAdmin.op('<request><config-lock><remove/></config-lock></request>')).body, '<response status="success"><result>{{*}}</result></response>');
    expectXml((await api.config('set', { xpath: ADDRESS, element: address('unblocked', '10.0.3.3') })).body, '<response status="success" code="20"><msg>command succeeded</msg></response>');
  });

  it('lists jobs (newest first) and reports unknown ids', async () => {
    const all = parseXml((await api.op('<show><jobs><all/></jobs></show>')).body);
    const ids = (child(all, 'result')?.children ?? []).map((job) => Number(child(job, 'id')?.text));
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expectXml((await api.op('<show><jobs><id>9999</id></jobs></show>')).body, '<response status="error"><msg><line>{{*}}</line></msg></response>');
  });

  it('answers unknown and malformed op commands with codes 17 and 18', async () => {
    expectXml((await api.op('<show><frobnicate/></show>')).body, '<response status="error" code="17"><msg><line>show -> frobnicate is unexpected</line></msg></response>');
    expectXml((await api.op('<show><system>')).body, '<response status="error" code="18"><msg><line>{{*}}</line></msg></response>');
  });

  it('show system info reports the device', async () => {
    expectXmlSubset(
      (await api.op('<show><system><info/></system></show>')).body,
      '<response status="success"><result><system><hostname>PA-VM</hostname><model>PA-VM</model><serial>{{*}}</serial><sw-version>10.1.0</sw-version><multi-vsys>off</multi-vsys></system></result></response>',
    );
  });
});
