/**
 * `ruleport admit` against sim/halo: which servers move is read from the simulator's own state, and each
 * server's expected verdict is worked out from the scan script it was given.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { run } from '../../../src/cli/run.js';
import { Api } from '../../sim/halo/halo-client.js';
import { admitCli, FAST, groupId, journalLines, placement, removeWorkspaces, seedGroups, server, workspace } from './harness.js';

let sim: HaloSim;
let ws: ReturnType<typeof workspace>;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
});
afterAll(async () => {
  removeWorkspaces();
  await sim.close();
});

// Each test gets fresh groups (unique names) in the same simulator, and its own journal.
let n = 0;
let src: string;
let dst: string;
beforeEach(() => {
  n++;
  src = `Dirty${n}`;
  dst = `Clean${n}`;
  sim.load({
    policies: [{ name: `clean-policy-${n}` }],
    groups: [{ name: src }, { name: dst, linux_firewall_policy_id: `clean-policy-${n}` }],
  });
  sim.setScanDuration(20, 60);
  ws = workspace(sim.keys.full);
});
afterEach(() => {
  expect(sim.internalErrors).toEqual([]);
});

const byHost = (report: any) => Object.fromEntries(report.servers.map((s: any) => [s.hostname, s]));

describe('ruleport admit', () => {
  it('moves exactly the servers that pass from a mixed group and reports the rest with reasons', async () => {
    server(sim, src, `clean-${n}`);
    server(sim, src, `dirty-${n}`, [{ kind: 'findings', critical: 0, nonCritical: 2 }]);
    server(sim, src, `crit-${n}`, [{ kind: 'findings', critical: 1, nonCritical: 0, failingRules: ['Ensure SSH root login is disabled'] }]);
    server(sim, src, `flaky-${n}`, [{ kind: 'failed' }, { kind: 'clean' }]);
    server(sim, src, `stuck-${n}`, [{ kind: 'never' }]);
    sim.addServer({ group_id: src, hostname: `offline-${n}`, state: 'missing' });

    // 2s leaves the flaky server room for its two scans on a loaded machine; the stuck one waits it out.
    const r = await admitCli(sim, ws, ['--from', src, '--to', dst, '--retries', '1', '--poll-interval', '20ms', '--timeout', '2s', '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    const where = placement(sim);
    expect([`clean-${n}`, `flaky-${n}`].map((h) => where[h])).toEqual([dst, dst]);
    expect([`dirty-${n}`, `crit-${n}`, `stuck-${n}`, `offline-${n}`].map((h) => where[h])).toEqual([src, src, src, src]);

    // Only active servers are taken on.
    expect(report.servers.map((s: any) => s.hostname).sort()).toEqual([`clean-${n}`, `crit-${n}`, `dirty-${n}`, `flaky-${n}`, `stuck-${n}`]);
    const s = byHost(report);
    expect(s[`clean-${n}`]).toMatchObject({ result: 'pass', action: 'moved', critical: 0, nonCritical: 0, attempts: 1 });
    expect(s[`flaky-${n}`]).toMatchObject({ result: 'pass', action: 'moved', attempts: 2 });
    expect(s[`dirty-${n}`]).toMatchObject({ result: 'fail', action: 'kept', critical: 0, nonCritical: 2 });
    expect(s[`dirty-${n}`].failingRules).toHaveLength(2);
    expect(s[`crit-${n}`]).toMatchObject({ result: 'fail', action: 'kept', critical: 1, failingRules: ['Ensure SSH root login is disabled'] });
    expect(s[`stuck-${n}`]).toMatchObject({ result: 'timeout', action: 'kept' });
    expect(s[`stuck-${n}`].reason).toContain('did not finish within 2s');
    expect(report.totals).toEqual({ servers: 5, admitted: 2, notAdmitted: 3, moveFailed: 0 });
    expect(report.from).toMatchObject({ name: src, id: groupId(sim, src) });

    // One journal line per move, with server, from, to, scan id and counts.
    const lines = journalLines(ws.journal);
    expect(lines).toHaveLength(2);
    const scans = sim.state.scans;
    for (const line of lines) {
      const host = line.detail.hostname;
      const latest = scans.filter((x) => x.server_hostname === host).at(-1)!;
      expect(line).toMatchObject({
        run: report.run,
        target: 'halo',
        change: 'move',
        result: 'ok',
        before: { group_id: groupId(sim, src) },
        after: { group_id: groupId(sim, dst) },
        detail: { workflow: 'admit', from: { name: src }, to: { name: dst }, scanId: latest.id, critical: 0, nonCritical: 0 },
      });
      expect(Date.parse(line.time)).toBeGreaterThan(0);
    }
  });

  it('prints a table with the run id, reads every move back, and exits 0 when every server is admitted', async () => {
    const ids = [server(sim, src, `a-${n}`), server(sim, src, `b-${n}`)];
    sim.clearRequestLog();
    const r = await admitCli(sim, ws, ['--from', src, '--to', dst, ...FAST]);
    expect(r.code).toBe(0);
    // Each server: exactly one PUT, followed by a successful GET of that server (the read-back).
    const log = sim.requestLog;
    for (const id of ids) {
      const puts = log.flatMap((e, i) => (e.method === 'PUT' && e.path === `/v1/servers/${id}` ? [i] : []));
      expect(puts).toHaveLength(1);
      expect(log.slice(puts[0]! + 1).some((e) => e.method === 'GET' && e.path === `/v1/servers/${id}` && e.status === 200)).toBe(true);
    }
    const run = journalLines(ws.journal)[0].run;
    expect(r.stdout).toMatch(/^hostname\s+ips\s+result\s+crit\/non\s+failing rules\s+action\s+reason$/m);
    expect(r.stdout).toMatch(new RegExp(`^a-${n}\\s+10\\.\\S+\\s+pass\\s+0/0\\s+moved\\s+clean$`, 'm'));
    expect(r.stdout).toContain(`run ${run}: 2 of 2 admitted (${src} → ${dst}), 0 not admitted; undo with: ruleport admit --undo ${run}`);
    expect(r.stderr).toContain(`run ${run}`);
  });

  it('applies thresholds and required checks', async () => {
    server(sim, src, `two-minor-${n}`, [{ kind: 'findings', critical: 0, nonCritical: 2 }]);
    // Each server's script has an outcome for each of the two runs below (an unscripted scan is clean).
    const threeMinor = { kind: 'findings', critical: 0, nonCritical: 3 } as const;
    const oneCritical = { kind: 'findings', critical: 1, nonCritical: 0 } as const;
    const ntp = { kind: 'findings', critical: 0, nonCritical: 1, failingRules: ['Ensure NTP is configured'] } as const;
    server(sim, src, `three-minor-${n}`, [threeMinor, threeMinor]);
    server(sim, src, `one-critical-${n}`, [oneCritical, oneCritical]);
    server(sim, src, `ntp-${n}`, [ntp, ntp]);
    const r = await admitCli(sim, ws, ['--from', src, '--to', dst, '--max-noncritical', '2', '--require-rule', 'Ensure NTP is configured', ...FAST, '--json']);
    expect(r.code).toBe(3);
    const where = placement(sim);
    // two-minor: 2 ≤ 2 and NTP passes (its failures are the catalogue's first two, not NTP).
    expect(where[`two-minor-${n}`]).toBe(dst);
    expect(where[`three-minor-${n}`]).toBe(src);
    expect(where[`one-critical-${n}`]).toBe(src); // --max-critical unset: 0
    expect(where[`ntp-${n}`]).toBe(src); // within thresholds, but the required check failed
    const s = byHost(JSON.parse(r.stdout));
    expect(s[`three-minor-${n}`].reason).toBe('3 non-critical > 2');
    expect(s[`one-critical-${n}`].reason).toBe('1 critical > 0');
    expect(s[`ntp-${n}`].reason).toBe('required check "Ensure NTP is configured" is bad');

    // A critical allowance alone: one-critical (1 critical, 0 non-critical) now passes; the others have
    // non-critical findings, and an unset --max-noncritical counts as 0.
    const again = await admitCli(sim, ws, ['--from', src, '--to', dst, '--max-critical', '1', ...FAST, '--json']);
    expect(again.code).toBe(3);
    expect(placement(sim)[`one-critical-${n}`]).toBe(dst);
    expect(placement(sim)[`three-minor-${n}`]).toBe(src);
    const t = byHost(JSON.parse(again.stdout));
    expect(t[`one-critical-${n}`]).toMatchObject({ result: 'pass', action: 'moved', reason: 'within thresholds (1 critical, 0 non-critical)' });
    expect(t[`three-minor-${n}`].reason).toBe('3 non-critical > 0');
    expect(t[`ntp-${n}`].reason).toBe('1 non-critical > 0');
    expect(placement(sim)[`ntp-${n}`]).toBe(src);
  });

  it('--dry-run scans and judges but moves nothing and journals nothing', async () => {
    server(sim, src, `ok-${n}`);
    server(sim, src, `bad-${n}`, [{ kind: 'findings', critical: 2, nonCritical: 0 }]);
    const scansBefore = sim.state.scans.length;
    sim.clearRequestLog();
    const r = await admitCli(sim, ws, ['--dry-run', '--from', src, '--to', dst, ...FAST]);
    expect(r.code).toBe(3);
    expect(placement(sim)[`ok-${n}`]).toBe(src);
    expect(placement(sim)[`bad-${n}`]).toBe(src);
    expect(sim.state.scans.length - scansBefore).toBe(2);
    expect(sim.requestLog.some((e) => e.method === 'PUT')).toBe(false);
    expect(journalLines(ws.journal)).toEqual([]);
    expect(r.stdout).toMatch(new RegExp(`^ok-${n}\\s.*\\bwould move\\b`, 'm'));
    expect(r.stdout).toContain(`dry run: 1 of 2 would be admitted (${src} → ${dst}); nothing moved`);
  });

  it('--undo moves a run\'s servers back, leaving alone one moved elsewhere since', async () => {
    server(sim, src, `u1-${n}`);
    server(sim, src, `u2-${n}`);
    server(sim, src, `u3-${n}`, [{ kind: 'findings', critical: 1, nonCritical: 0 }]);
    const first = await admitCli(sim, ws, ['--from', src, '--to', dst, ...FAST, '--json']);
    expect(first.code).toBe(3);
    const run1 = JSON.parse(first.stdout).run;
    expect(placement(sim)[`u1-${n}`]).toBe(dst);

    // A dry-run undo says what it would do and moves nothing.
    const dry = await admitCli(sim, ws, ['--undo', run1, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).servers.map((s: any) => [s.hostname, s.action]).sort()).toEqual([
      [`u1-${n}`, 'would-move-back'],
      [`u2-${n}`, 'would-move-back'],
    ]);
    expect([placement(sim)[`u1-${n}`], placement(sim)[`u2-${n}`]]).toEqual([dst, dst]);

    const undo = await admitCli(sim, ws, ['--undo', run1, '--json']);
    expect(undo.code).toBe(0);
    const where = placement(sim);
    expect([where[`u1-${n}`], where[`u2-${n}`], where[`u3-${n}`]]).toEqual([src, src, src]);
    const report = JSON.parse(undo.stdout);
    expect(report.undoOf).toBe(run1);
    expect(report.servers.map((s: any) => s.action)).toEqual(['moved-back', 'moved-back']);
    // The undo is journaled too, under its own run.
    const undoLines = journalLines(ws.journal).filter((l) => l.run === report.run);
    expect(undoLines.map((l) => [l.detail.workflow, l.detail.undoOf, l.after.group_id])).toEqual([
      ['admit-undo', run1, groupId(sim, src)],
      ['admit-undo', run1, groupId(sim, src)],
    ]);

    // Admit again, then move one server elsewhere by hand: undo leaves it alone (exit 3).
    const second = await admitCli(sim, ws, ['--from', src, '--to', dst, ...FAST, '--json']);
    const run2 = JSON.parse(second.stdout).run;
    const u1 = sim.state.servers.find((s) => s.hostname === `u1-${n}`)!;
    sim.load({ groups: [{ name: `Elsewhere${n}` }] });
    const client = await Api.connect(sim.url, sim.keys.full);
    expect((await client.put(`/v1/servers/${u1.id}`, { server: { group_id: groupId(sim, `Elsewhere${n}`) } })).status).toBe(204);
    // A read-only key is refused before any confirmation is asked for, and nothing moves.
    const ro = workspace(sim.keys.readOnly);
    let roErr = '';
    const roCode = await run(['--halo-url', sim.url, '--auth', ro.auth, 'admit', '--undo', run2, '--journal', ws.journal], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (roErr += t) },
    });
    expect(roCode).toBe(2);
    expect(roErr).toMatch(/read-only.*undo \(moving servers back\) needs a full-access/);
    expect(placement(sim)[`u2-${n}`]).toBe(dst);
    expect(placement(sim)[`u1-${n}`]).toBe(`Elsewhere${n}`);

    const undo2 = await admitCli(sim, ws, ['--undo', run2]);
    expect(undo2.code).toBe(3);
    expect(placement(sim)[`u1-${n}`]).toBe(`Elsewhere${n}`);
    expect(placement(sim)[`u2-${n}`]).toBe(src);
    expect(undo2.stdout).toMatch(new RegExp(`^u1-${n}\\s.*left-alone\\s+moved elsewhere since`, 'm'));

    const unknown = await admitCli(sim, ws, ['--undo', 'no-such-run']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no servers moved by admit run "no-such-run"');
  });

  it('keeps the concurrency bound and lists every page of a large group', async () => {
    const hosts = Array.from({ length: 120 }, (_, i) => server(sim, src, `p${i}-${n}`));
    sim.setScanDuration(5, 15);
    sim.clearRequestLog();
    const r = await admitCli(sim, ws, ['--from', src, '--to', dst, '--concurrency', '8', ...FAST, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals.admitted).toBe(120);
    const where = placement(sim);
    expect(hosts.every((_, i) => where[`p${i}-${n}`] === dst)).toBe(true);
    // Two pages of the source group's servers (100 per page).
    const pages = sim.requestLog.filter((e) => e.method === 'GET' && e.path === `/v1/groups/${groupId(sim, src)}/servers`);
    expect(pages.map((e) => new URLSearchParams(e.query).get('page') ?? '1')).toEqual(['1', '2']);
    // No more than 8 scans ever overlapped, by the simulator's own timestamps.
    const scans = sim.state.scans.filter((s) => s.server_hostname.endsWith(`-${n}`));
    const events = scans.flatMap((s) => [
      [Date.parse(s.created_at), 1],
      [Date.parse(s.completed_at!), -1],
    ]) as [number, number][];
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (live += d));
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThanOrEqual(2);
  });

  it('refuses a read-only key up front, before any scan and before asking for confirmation', async () => {
    server(sim, src, `ro-${n}`);
    const ro = workspace(sim.keys.readOnly);
    sim.clearRequestLog();
    const r = await admitCli(sim, ro, ['--from', src, '--to', dst]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/read-only.*full-access \(read\+write\) key/);
    expect(r.stderr).not.toContain(sim.keys.readOnly.secret);
    expect(sim.requestLog.filter((e) => e.method !== 'GET' && e.path !== '/oauth/access_token')).toEqual([]);

    // Without --yes and no terminal: the key is the problem reported, not the missing confirmation.
    let stderr = '';
    const code = await run(['--halo-url', sim.url, '--auth', ro.auth, 'admit', '--from', src, '--to', dst, '--journal', ro.journal], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/read-only/);
    expect(stderr).not.toContain('--yes');
    expect(placement(sim)[`ro-${n}`]).toBe(src);
  });

  it('checks the destination firewall policy when asked', async () => {
    server(sim, src, `fw-${n}`);
    const wrong = await admitCli(sim, ws, ['--from', src, '--to', dst, '--expect-firewall-policy', 'something-else', ...FAST]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`destination group ${dst} has linux firewall policy "clean-policy-${n}", expected "something-else": nothing scanned or moved`);
    expect(placement(sim)[`fw-${n}`]).toBe(src);
    const right = await admitCli(sim, ws, ['--from', src, '--to', dst, '--expect-firewall-policy', `clean-policy-${n}`, ...FAST]);
    expect(right.code).toBe(0);
    expect(placement(sim)[`fw-${n}`]).toBe(dst);
  });

  it('resolves groups by path and refuses unknown or identical groups', async () => {
    seedGroupsOnce();
    server(sim, 'WebDirty', `path-${n}`);
    const r = await admitCli(sim, ws, ['--from', 'staging/webdirty', '--to', 'Production/WebClean', ...FAST]);
    expect(r.code).toBe(0);
    // The plan confirmed names the groups as resolved, by their paths.
    expect(r.stderr).toContain('admit: scan the active servers of Staging/WebDirty; move those that pass to Production/WebClean');
    expect(placement(sim)[`path-${n}`]).toBe('WebClean');
    // Ids work as well, in both directions.
    server(sim, 'WebDirty', `by-id-${n}`);
    const byId = await admitCli(sim, ws, ['--from', groupId(sim, 'WebDirty'), '--to', groupId(sim, 'WebClean'), ...FAST]);
    expect(byId.code).toBe(0);
    expect(placement(sim)[`by-id-${n}`]).toBe('WebClean');
    const same = await admitCli(sim, ws, ['--from', src, '--to', groupId(sim, src)]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('source and destination are the same group');
    const unknown = await admitCli(sim, ws, ['--from', 'nowhere/at-all', '--to', dst]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--from: no Halo group "nowhere/at-all"');
  });
});

let seeded = false;
function seedGroupsOnce(): void {
  if (!seeded) seedGroups(sim);
  seeded = true;
}

describe('ruleport admit on a terminal and without --yes', () => {
  it('shows progress on a TTY, and refuses to move anything when no one can confirm', async () => {
    server(sim, src, `tty-${n}`);
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (t: string) => (stdout += t), isTTY: true },
      stderr: { write: (t: string) => (stderr += t), isTTY: true },
    };
    const code = await run(['--halo-url', sim.url, '--auth', ws.auth, 'admit', '--from', src, '--to', dst, '--journal', ws.journal, '--yes', ...FAST], io);
    expect(code).toBe(0);
    expect(stderr).toContain('\r\x1b[2Kadmit: 1/1 done, 0 scanning, 1 admitted');
    expect(stdout).not.toContain('\x1b');

    // --json stays quiet on a terminal too: stdout is the report alone, stderr has no progress line.
    server(sim, src, `tty-json-${n}`);
    stdout = '';
    stderr = '';
    const json = await run(['--halo-url', sim.url, '--auth', ws.auth, 'admit', '--from', src, '--to', dst, '--journal', ws.journal, '--yes', '--json', ...FAST], io);
    expect(json).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout).servers.map((s: any) => s.hostname)).toEqual([`tty-json-${n}`]);

    server(sim, src, `noyes-${n}`);
    const noYes = await run(['--halo-url', sim.url, '--auth', ws.auth, 'admit', '--from', src, '--to', dst, '--journal', ws.journal], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
    });
    expect(noYes).toBe(2);
    expect(stderr).toContain('refusing to apply without --yes');
    expect(placement(sim)[`noyes-${n}`]).toBe(src);
  });

  it('checks its flags', async () => {
    const cases: [string[], string][] = [
      [['--to', dst], '--from: required'],
      [['--from', src], '--to: required'],
      [['--from', src, '--to', dst, '--interval', '1m'], '--interval: only with --watch'],
      [['--from', src, '--to', dst, '--timeout', 'soon'], '--timeout: invalid duration "soon"'],
      [['--from', src, '--to', dst, '--concurrency', '0'], '--concurrency: value "0" out of range 1..1000000'],
      [['--from', src, '--to', dst, '--max-critical', '-1'], '--max-critical'],
      [['--undo', 'x', '--from', src], '--undo: cannot be combined with --from'],
    ];
    for (const [args, message] of cases) {
      const r = await admitCli(sim, ws, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
