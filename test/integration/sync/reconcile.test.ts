/**
 * `sync panos` reconcile runs against moto (AWS) and sim/panos (the firewall). Expectations are hand-written
 * facts about the world and the simulator's own state and evaluation (its running XML, registrations, commit
 * log and `test security-policy-match`), never ruleport's plan fed back to itself.
 */
import { AuthorizeSecurityGroupEgressCommand, RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/model/index.js';
import { PanosClient, PanosCommitError } from '../../../src/platforms/panos/client.js';
import { syncOnce } from '../../../src/workflows/sync/run.js';
import type { WorkflowContext } from '../../../src/workflows/context.js';
import { motoUrlForWorker } from '../../harness/moto.js';
import { createPrefixList } from '../aws/world.js';
import { RULES, USERS, VSYS, authorize, buildWorld, createGroup, commits, runInstance, runningRuleNames, simKey, start, stop, tcpFrom, terminate, type World } from './world.js';

const motoUrl = motoUrlForWorker();
const ctx: WorkflowContext = { connection: {}, warn: () => {}, debug: () => {} };
const run = (w: World, opts = {}) => syncOnce(w.env, { pollMs: 5, ...opts }, ctx);

/** What the simulator decides for one flow on its running configuration. */
async function decide(w: World, q: { from: string; to: string; source: string; destination: string; port: number }) {
  const m = await w.client.testSecurityPolicyMatch({ ...q, protocol: 6, destinationPort: q.port });
  return m ? `${m.rule} ${m.action}` : 'none';
}
const ruleportRules = (w: World) => runningRuleNames(w.sim).filter((n) => n.startsWith('rp-sg-'));
/** A User-ID message as another tool sends it (alice's key, straight to the simulator's API). */
async function userId(w: World, section: 'register' | 'unregister', pairs: readonly [string, string][]): Promise<void> {
  const keygen = await fetch(`${w.sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: 'alice', password: USERS.alice }) });
  const key = /<key>([^<]+)<\/key>/.exec(await keygen.text())![1]!;
  const payload = pairs.map(([ip, tag]) => `<entry ip="${ip}"><tag><member>${tag}</member></tag></entry>`).join('');
  const cmd = `<uid-message><version>2.0</version><type>update</type><payload><${section}>${payload}</${section}></payload></uid-message>`;
  const res = await fetch(`${w.sim.url}/api/`, { method: 'POST', headers: { 'X-PAN-KEY': key }, body: new URLSearchParams({ type: 'user-id', cmd }) });
  expect(await res.text()).toContain('status="success"');
}
const registrations = (w: World) => w.sim.registeredIps().map((r) => `${r.ip} ${[...r.tags].sort().join(',')}`).sort();

describe.skipIf(!motoUrl)('sync panos: reconcile against moto and sim/panos', () => {
  let w: World;
  beforeEach(async () => {
    w = await buildWorld(motoUrl);
  });
  afterEach(async () => {
    await w?.sim.close();
    w?.session.destroy();
  });

  it('adds rules above the bottom rule in one commit, registers members, and a second run changes nothing', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await runInstance(w.ec2, w.subnets.main, [w.webGroup]);
    await runInstance(w.ec2, w.subnets.outside, [await createGroup(w.ec2, w.vpcId, 'elsewhere')]);

    const report = await run(w);
    expect(commits(w.sim)).toBe(1);
    expect(report.groups).toBe(1);
    const names = runningRuleNames(w.sim);
    // Admin rules untouched and first, then sync's rules (ingress 443 + the default egress rule), then the bottom rule.
    expect(names.slice(0, 2)).toEqual(['allow-web', 'deny-telnet']);
    expect(names.at(-1)).toBe('Clean up');
    expect(names.filter((n) => n.startsWith('rp-sg-'))).toHaveLength(2);
    for (const n of names.slice(2, -1)) expect(n.startsWith(`rp-${w.webGroup}-`)).toBe(true);
    // Both instances behind the firewall (explicit and main-table subnets) are registered; the outside one is not.
    const regs = registrations(w);
    expect(regs).toHaveLength(2);
    for (const r of regs) expect(r).toMatch(new RegExp(`^10\\.0\\.[12]\\.\\d+ ${w.webGroup}$`));
    // The simulator now allows https from the internet to a member, by a sync rule; ssh stays denied.
    const member = regs[0]!.split(' ')[0]!;
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: member, port: 443 })).toMatch(/^rp-sg-.* allow$/);
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '203.0.113.9', destination: member, port: 22 })).toBe('Clean up deny');
    // Egress (the group's default allow-all egress rule) trust→untrust.
    expect(await decide(w, { from: 'trust', to: 'untrust', source: member, destination: '198.51.100.7', port: 25 })).toMatch(/^rp-sg-.* allow$/);

    const again = await run(w);
    expect(again.plan.changes.every((c) => c.kind === 'keep')).toBe(true);
    expect(commits(w.sim)).toBe(1);
  });

  it('authorize adds a rule (one commit), revoke removes it; a rule an admin rule allows is not added', async () => {
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await run(w);
    const before = ruleportRules(w);
    const c0 = commits(w.sim);

    await authorize(w.ec2, w.webGroup, tcpFrom(22, '198.51.100.0/24'));
    await authorize(w.ec2, w.webGroup, tcpFrom(80, '0.0.0.0/0')); // web-browsing: allow-web covers it
    const added = await run(w);
    expect(commits(w.sim)).toBe(c0 + 1);
    const after = ruleportRules(w);
    expect(after.filter((n) => !before.includes(n))).toHaveLength(1);
    expect(added.alreadyAllowed).toEqual([{ groupId: w.webGroup, rule: expect.stringMatching(/^ingress rule #\d$/) }]);
    const ip = registrations(w)[0]!.split(' ')[0]!;
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '198.51.100.20', destination: ip, port: 22 })).toMatch(/^rp-sg-.* allow$/);

    await w.ec2.client.send(new RevokeSecurityGroupIngressCommand({ GroupId: w.webGroup, IpPermissions: [tcpFrom(22, '198.51.100.0/24')] }));
    await run(w);
    expect(commits(w.sim)).toBe(c0 + 2);
    expect(ruleportRules(w).sort()).toEqual([...before].sort());
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '198.51.100.20', destination: ip, port: 22 })).toBe('Clean up deny');
  });

  it('stop and start change registrations only, with no commit; terminate removes them', async () => {
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await stop(w.ec2, id);
    await run(w);
    const c0 = commits(w.sim);
    expect(registrations(w)).toEqual([]);
    expect(ruleportRules(w).length).toBeGreaterThan(0);

    await start(w.ec2, id);
    await run(w);
    expect(registrations(w)).toHaveLength(1);
    expect(commits(w.sim)).toBe(c0);

    await stop(w.ec2, id);
    await run(w);
    expect(registrations(w)).toEqual([]);
    expect(commits(w.sim)).toBe(c0);

    await start(w.ec2, id);
    await run(w);
    await terminate(w.ec2, id);
    await run(w);
    expect(registrations(w)).toEqual([]);
    // With no instance left, the group's rules go too (one commit).
    expect(ruleportRules(w)).toEqual([]);
    expect(commits(w.sim)).toBe(c0 + 1);
  });

  it('removes only its own stale registrations: another tool’s and another sync setup’s survive, also when a group goes', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    // Another sync setup (its own tag) feeds its dynamic address group on the same vsys.
    const other = 'sg-0b0b0b0b0b0b0b0b0';
    w.sim.editAsAdmin('alice', 'set', `${VSYS}/address-group`, `<entry name="${other}"><dynamic><filter>'${other}'</filter></dynamic><tag><member>ruleport-b</member></tag></entry>`);
    w.sim.editAsAdmin('alice', 'set', RULES, `<entry name="rp-${other}-0123456789"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>${other}</member></destination><application><member>ssl</member></application><service><member>application-default</member></service><action>allow</action><tag><member>ruleport-b</member></tag></entry>`);
    await new PanosClient({ baseUrl: w.sim.url, auth: { kind: 'password', user: 'alice', password: USERS.alice, source: 'test' } }).commit({ pollMs: 5 });
    await run(w);
    const member = registrations(w)[0]!.split(' ')[0]!;
    expect(registrations(w)).toEqual([`${member} ${w.webGroup}`]);

    // Another tool registers a group-like tag no ruleport group uses, the other setup its member, and a leftover of
    // ruleport's own tag sits on an address no instance has.
    await userId(w, 'register', [['198.51.100.9', 'sg-0fff0000aaaa1111f'], ['10.0.2.77', other], ['10.0.1.250', w.webGroup], [member, 'k8s-web']]);
    await run(w);
    expect(registrations(w)).toEqual([`10.0.2.77 ${other}`, `${member} k8s-web,${w.webGroup}`, '198.51.100.9 sg-0fff0000aaaa1111f'].sort());

    // The group goes (its last instance terminated): its rules, its dynamic address group and its registrations
    // go with it; nobody else's do.
    await terminate(w.ec2, id);
    await run(w);
    expect(ruleportRules(w)).toEqual([`rp-${other}-0123456789`]);
    expect(w.sim.runningXml()).not.toContain(`<entry name="${w.webGroup}"`);
    expect(registrations(w)).toEqual([`10.0.2.77 ${other}`, `${member} k8s-web`, '198.51.100.9 sg-0fff0000aaaa1111f'].sort());
  });

  it('restores a sync rule edited by hand and never touches administrators’ rules', async () => {
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await run(w);
    const name = ruleportRules(w)[0]!;
    const adminBefore = w.sim.runningXml().match(/<entry name="allow-web">[\s\S]*?<\/entry>/)![0];
    // alice turns sync's rule into a deny and commits it.
    w.sim.editAsAdmin('alice', 'set', `${RULES}/entry[@name='${name}']`, '<action>deny</action>');
    const alice = new PanosClient({ baseUrl: w.sim.url, auth: { kind: 'password', user: 'alice', password: USERS.alice, source: 'test' } });
    await alice.commit({ pollMs: 5 });
    expect(w.sim.runningXml()).toMatch(new RegExp(`<entry name="${name}"[^]*?<action>deny</action>`));
    const c0 = commits(w.sim);

    const report = await run(w);
    expect(report.plan.changes.filter((c) => c.kind === 'update').map((c) => c.object)).toEqual([`rule ${name}`]);
    expect(commits(w.sim)).toBe(c0 + 1);
    const running = w.sim.runningXml();
    expect(running.match(/<entry name="allow-web">[\s\S]*?<\/entry>/)![0]).toBe(adminBefore);
    expect(runningRuleNames(w.sim).slice(0, 2)).toEqual(['allow-web', 'deny-telnet']);
    // Restored: a second run sees nothing to do.
    const again = await run(w);
    expect(again.plan.changes.every((c) => c.kind === 'keep')).toBe(true);
    // Disabling it by hand is drift too.
    w.sim.editAsAdmin('alice', 'set', `${RULES}/entry[@name='${name}']`, '<disabled>yes</disabled>');
    await alice.commit({ pollMs: 5 });
    const reenabled = await run(w);
    expect(reenabled.plan.changes.filter((c) => c.kind === 'update').map((c) => c.object)).toEqual([`rule ${name}`]);
    expect(w.sim.runningXml()).not.toMatch(/<disabled>yes<\/disabled>/);
  });

  it('a failed commit reverts sync’s candidate changes, leaves other admins’ pending edits, and the next run retries', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    w.sim.editAsAdmin('alice', 'set', `${VSYS_ADDR}`, '<entry name="alice-host"><ip-netmask>192.0.2.1/32</ip-netmask></entry>');
    w.sim.failNextCommit(['Validation Error:', 'simulated failure']);
    await expect(run(w)).rejects.toBeInstanceOf(PanosCommitError);
    expect(ruleportRules(w)).toEqual([]);
    // The candidate holds none of sync's objects any more; alice's pending edit is still there.
    expect(w.sim.candidateXml()).not.toContain('rp-sg-');
    expect(w.sim.candidateXml()).not.toContain(`<entry name="${w.webGroup}"`);
    expect(w.sim.candidateXml()).toContain('alice-host');

    await run(w);
    expect(ruleportRules(w)).toHaveLength(2);
    // Only ruleport's changes were committed: alice's address is still pending, not running.
    expect(w.sim.runningXml()).not.toContain('alice-host');
    expect(w.sim.pendingChanges().map((p) => p.admin)).toEqual(['alice']);
  });

  it('a run whose commit never reached the firewall leaves its edits pending; the next run commits them', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    // The commit request is lost on the way (a dropped connection, a Lambda stopped at its timeout).
    const lost = Object.create(w.client) as PanosClient;
    lost.commit = () => Promise.reject(new RemoteError('panos', 'commit', 'socket hang up'));
    await expect(syncOnce({ ...w.env, client: lost }, { pollMs: 5 }, ctx)).rejects.toThrow(/may or may not have been enqueued/);
    expect(commits(w.sim)).toBe(0);
    expect(ruleportRules(w)).toEqual([]);
    expect(w.sim.candidateXml()).toContain('rp-sg-');

    // The candidate already looks done; the running configuration is what counts.
    await run(w);
    expect(commits(w.sim)).toBe(1);
    expect(ruleportRules(w)).toHaveLength(2);
    expect(w.sim.pendingChanges()).toEqual([]);
    const again = await run(w);
    expect(again.plan.changes.every((c) => c.kind === 'keep')).toBe(true);
    expect(commits(w.sim)).toBe(1);
  });

  it('with a bare API key, a run that only deletes commits; an earlier run’s uncommitted deletions say how to commit them', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    const first = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    const bare = { ...w.env, client: new PanosClient({ baseUrl: w.sim.url, auth: { kind: 'key', key: await simKey(w), source: 'test' } }) };
    await syncOnce(bare, { pollMs: 5 }, ctx);
    expect(ruleportRules(w)).toHaveLength(2);
    w.sim.editAsAdmin('alice', 'set', VSYS_ADDR, '<entry name="alice-host"><ip-netmask>192.0.2.1/32</ip-netmask></entry>');
    // The group goes: the run deletes only (rules, group, address object), and commits ruleport's changes alone.
    await terminate(w.ec2, first);
    await syncOnce(bare, { pollMs: 5 }, ctx);
    expect(ruleportRules(w)).toEqual([]);
    expect(w.sim.pendingChanges().map((p) => p.admin)).toEqual(['alice']);

    // Again, but this time the deleting run's commit is lost: the next run has nothing of its own to edit.
    const second = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await syncOnce(bare, { pollMs: 5 }, ctx);
    expect(ruleportRules(w)).toHaveLength(2);
    const c0 = commits(w.sim);
    const lost = Object.create(bare.client) as PanosClient;
    lost.commit = () => Promise.reject(new RemoteError('panos', 'commit', 'socket hang up'));
    await terminate(w.ec2, second);
    await expect(syncOnce({ ...bare, client: lost }, { pollMs: 5 }, ctx)).rejects.toThrow(/may or may not have been enqueued/);
    await expect(syncOnce(bare, { pollMs: 5 }, ctx)).rejects.toThrow(/commit partial admin NAME.*--user NAME and its password in PANOS_PASSWORD/);
    expect(commits(w.sim)).toBe(c0);
    expect(ruleportRules(w)).toHaveLength(2);
  });
});

const VSYS_ADDR = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address";

describe.skipIf(!motoUrl)('sync panos: which rules reach the firewall', () => {
  let w: World;
  beforeEach(async () => {
    w = await buildWorld(motoUrl);
  });
  afterEach(async () => {
    await w?.sim.close();
    w?.session.destroy();
  });

  it('egress rules, prefix lists resolved; in-VPC peers and group references left out', async () => {
    const list = await createPrefixList(w.ec2, 'partners', ['192.0.2.0/24', '10.0.9.0/24']);
    const other = await createGroup(w.ec2, w.vpcId, 'other');
    await w.ec2.client.send(new RevokeSecurityGroupEgressCommand({ GroupId: w.webGroup, IpPermissions: [{ IpProtocol: '-1', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    await w.ec2.client.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: w.webGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] }));
    await authorize(w.ec2, w.webGroup, { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, PrefixListIds: [{ PrefixListId: list }] });
    await authorize(w.ec2, w.webGroup, tcpFrom(9000, '10.0.0.0/16'));
    await authorize(w.ec2, w.webGroup, { IpProtocol: 'tcp', FromPort: 9001, ToPort: 9001, UserIdGroupPairs: [{ GroupId: other }] });
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);

    const report = await run(w);
    expect(report.skipped.map((s) => `${s.peer} ${s.reason}`).sort()).toEqual([
      `${other}@123456789012 group reference`,
      '10.0.0.0/16 inside the VPC',
      `10.0.9.0/24 (${list}) inside the VPC`,
    ].sort());
    expect(ruleportRules(w)).toHaveLength(2);
    const ip = registrations(w)[0]!.split(' ')[0]!;
    // Egress: trust→untrust from the group to the peer only.
    const out = await w.client.testSecurityPolicyMatch({ from: 'trust', to: 'untrust', source: ip, destination: '198.51.100.5', protocol: 6, destinationPort: 5432 });
    expect(out?.rule).toMatch(/^rp-sg-/);
    expect(await w.client.testSecurityPolicyMatch({ from: 'trust', to: 'untrust', source: ip, destination: '203.0.113.5', protocol: 6, destinationPort: 5432 })).toMatchObject({ rule: 'Clean up' });
    // The prefix list's internet entry is allowed in; its in-VPC entry and the skipped rules are not.
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '192.0.2.7', destination: ip, port: 8443 })).toMatch(/^rp-sg-.* allow$/);
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '203.0.113.7', destination: ip, port: 8443 })).toBe('Clean up deny');
    expect(await decide(w, { from: 'untrust', to: 'trust', source: '203.0.113.7', destination: ip, port: 9000 })).toBe('Clean up deny');
  });
});
