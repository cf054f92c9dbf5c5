/** `--report-webhook`: the failure summary reaches a local HTTP receiver; a refusing receiver only warns. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import type { FailureSummary } from '../../../src/workflows/admit/report.js';
import type { Clock } from '../../../src/workflows/admit/scan-server.js';
import { postFailureSummary } from '../../../src/workflows/admit/webhook.js';
import { admitCli, FAST, placement, removeWorkspaces, server, workspace } from './harness.js';

let sim: HaloSim;
let receiver: Server;
let base: string;
const received: { path: string; type: string | undefined; body: any }[] = [];
let answer = 200;
/** Statuses for the next requests, before `answer` applies again. */
const queued: number[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
  receiver = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) });
      const status = queued.shift() ?? answer;
      res.writeHead(status, status === 307 ? { Location: `${base}/elsewhere` } : {}).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  removeWorkspaces();
  await sim.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

/** Two waits between three attempts: jittered, 0.5–1.5 s then 0.5–2.5 s (full jitter over 1 s and 2 s, plus 0.5 s). */
function expectBackoff(slept: readonly number[]): void {
  expect(slept).toHaveLength(2);
  expect(slept[0]).toBeGreaterThanOrEqual(500);
  expect(slept[0]).toBeLessThan(1500);
  expect(slept[1]).toBeGreaterThanOrEqual(500);
  expect(slept[1]).toBeLessThan(2500);
}

describe('ruleport admit --report-webhook', () => {
  it('posts the servers that failed, with their findings, and nothing about those admitted', async () => {
    sim.load({ groups: [{ name: 'HookDirty' }, { name: 'HookClean' }] });
    sim.setScanDuration(10, 30);
    server(sim, 'HookDirty', 'hook-clean');
    server(sim, 'HookDirty', 'hook-dirty', [{ kind: 'findings', critical: 1, nonCritical: 1, failingRules: ['Ensure auditd service is enabled', 'Ensure NTP is configured'] }]);
    server(sim, 'HookDirty', 'hook-broken', [{ kind: 'failed' }, { kind: 'failed' }]);
    const ws = workspace(sim.keys.full);
    const secretPath = '/hooks/T000/B000/s3cr3t-webhook-token';
    received.length = 0;
    const r = await admitCli(sim, ws, ['--from', 'HookDirty', '--to', 'HookClean', '--retries', '1', ...FAST, '--report-webhook', `${base}${secretPath}`]);

    expect(r.code).toBe(3);
    expect(placement(sim)['hook-clean']).toBe('HookClean');
    expect(received).toHaveLength(1);
    const { path, type, body } = received[0]!;
    expect(path).toBe(secretPath);
    expect(type).toBe('application/json');
    expect(body).toMatchObject({
      event: 'ruleport.admit.failures',
      dryRun: false,
      from: { name: 'HookDirty' },
      to: { name: 'HookClean' },
      totals: { servers: 3, admitted: 1, notAdmitted: 2, moveFailed: 0 },
    });
    const failures = Object.fromEntries(body.failures.map((f: any) => [f.hostname, f]));
    expect(Object.keys(failures).sort()).toEqual(['hook-broken', 'hook-dirty']);
    expect(failures['hook-dirty']).toMatchObject({
      result: 'fail',
      critical: 1,
      nonCritical: 1,
      failingRules: ['Ensure auditd service is enabled', 'Ensure NTP is configured'],
      action: 'kept',
    });
    expect(failures['hook-dirty'].ips).toHaveLength(1);
    expect(failures['hook-broken']).toMatchObject({ result: 'scan-failed', reason: 'the scan failed 2 times (retries exhausted)' });
    expect(body.run).toBe(r.stdout.match(/run (\S+):/)![1]);
    expect(r.stdout).toContain('failure summary posted (HTTP 200)');
    // The hook's secret path is never echoed.
    expect(r.stdout + r.stderr).not.toContain('s3cr3t');
  });

  it('posts nothing when every server is admitted, and only warns when the receiver refuses', async () => {
    sim.load({ groups: [{ name: 'Hook2Dirty' }, { name: 'Hook2Clean' }] });
    server(sim, 'Hook2Dirty', 'hook2-clean');
    const ws = workspace(sim.keys.full);
    received.length = 0;
    const ok = await admitCli(sim, ws, ['--from', 'Hook2Dirty', '--to', 'Hook2Clean', ...FAST, '--report-webhook', `${base}/hook`]);
    expect(ok.code).toBe(0);
    expect(received).toHaveLength(0);

    server(sim, 'Hook2Dirty', 'hook2-dirty', [{ kind: 'findings', critical: 0, nonCritical: 1 }]);
    answer = 400;
    const refused = await admitCli(sim, ws, ['--from', 'Hook2Dirty', '--to', 'Hook2Clean', ...FAST, '--report-webhook', `${base}/hook?token=abc123`, '--json']);
    answer = 200;
    expect(refused.code).toBe(3);
    expect(received).toHaveLength(1);
    expect(refused.stderr).toContain(`warning: report webhook not delivered: ${base} answered HTTP 400`);
    expect(JSON.parse(refused.stdout).webhook).toEqual({ delivered: false, status: 400, error: `${base} answered HTTP 400` });
    expect(refused.stdout + refused.stderr).not.toContain('abc123');

    const bad = await admitCli(sim, ws, ['--from', 'Hook2Dirty', '--to', 'Hook2Clean', '--report-webhook', 'ftp://example.invalid/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--report-webhook: expected an http(s) URL');
  });

  it('retries a receiver that answers 5xx or 429 at most three times, and gives up on one that cannot be reached, saying so', async () => {
    const slept: number[] = [];
    const clock: Clock = { now: () => 0, sleep: async (ms) => void slept.push(ms) };
    const summary: FailureSummary = {
      event: 'ruleport.admit.failures',
      run: 'run-1',
      dryRun: false,
      from: { id: 'g1', name: 'Dirty', path: 'Dirty' },
      to: { id: 'g2', name: 'Clean', path: 'Clean' },
      finishedAt: '2026-01-10T10:00:00.000Z',
      totals: { servers: 1, admitted: 0, notAdmitted: 1, moveFailed: 0 },
      failures: [{ id: 's1', hostname: 'web-1', ips: ['10.0.0.1'], result: 'fail', reason: '1 critical > 0', critical: 1, nonCritical: 0, failingRules: ['r'], action: 'kept' }],
    };
    received.length = 0;
    queued.push(503, 429);
    expect(await postFailureSummary(`${base}/retry`, summary, clock)).toEqual({ delivered: true, status: 200 });
    expect(received.map((r) => r.path)).toEqual(['/retry', '/retry', '/retry']);
    expect(received[2]!.body).toEqual(summary);
    expectBackoff(slept);

    // Bounded: a receiver that keeps failing gets three attempts, then the last answer is reported.
    received.length = 0;
    slept.length = 0;
    queued.push(500, 503, 502, 500);
    expect(await postFailureSummary(`${base}/down`, summary, clock)).toEqual({ delivered: false, status: 502, error: `${base} answered HTTP 502` });
    expect(received).toHaveLength(3);
    expectBackoff(slept);
    queued.length = 0;

    // A redirect is not followed: the summary goes only where the user said.
    received.length = 0;
    queued.push(307);
    expect(await postFailureSummary(`${base}/moved`, summary, clock)).toEqual({ delivered: false, status: 307, error: `${base} answered HTTP 307` });
    expect(received.map((r) => r.path)).toEqual(['/moved']);

    // A port nothing listens on: three attempts, then a one-line error naming the origin only.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    slept.length = 0;
    expect(await postFailureSummary(`http://127.0.0.1:${port}/hooks/secret-part`, summary, clock)).toEqual({
      delivered: false,
      error: `http://127.0.0.1:${port} unreachable (ECONNREFUSED)`,
    });
    expectBackoff(slept);
  });
});
