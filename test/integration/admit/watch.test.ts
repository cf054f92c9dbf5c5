/**
 * `--watch` as a real process: it admits a server added after it started; on SIGTERM or SIGINT it finishes the
 * servers in flight, starts no others, and exits with the session's report (0 all admitted, 3 otherwise); a second
 * signal quits at once with 130.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { placement, removeWorkspaces, server, workspace } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = `${root}dist/src/cli/main.js`;
let sim: HaloSim;

/** True when the built CLI is older than some source file (or missing). */
function buildStale(): boolean {
  if (!existsSync(main)) return true;
  const built = statSync(main).mtimeMs;
  return ['src', 'sim'].some((dir) =>
    readdirSync(`${root}${dir}`, { recursive: true }).some((f) => String(f).endsWith('.ts') && statSync(`${root}${dir}/${String(f)}`).mtimeMs > built),
  );
}

beforeAll(async () => {
  // `npm test` has just built; a direct vitest run may not have. A type error elsewhere must not block this
  // test: tsc still emits, and the admit files are what it needs.
  if (buildStale()) await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, timeout: 240_000 }).catch(() => undefined);
  if (!existsSync(`${root}dist/src/cli/commands/admit.js`)) throw new Error('build failed: dist/src/cli/commands/admit.js missing');
  sim = await startHaloSim({ port: 0 });
}, 300_000);
afterAll(async () => {
  removeWorkspaces();
  await sim?.close();
});

/** Resolves with the first stdout JSON line `pick` accepts. */
function nextLine(child: ChildProcessWithoutNullStreams, lines: any[], pick: (line: any) => boolean, timeoutMs = 15_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const found = lines.find(pick);
    if (found) return resolve(found);
    const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got ${JSON.stringify(lines)}`)), timeoutMs);
    const check = (): void => {
      const hit = lines.find(pick);
      if (!hit) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(hit);
    };
    child.stdout.on('data', check);
  });
}

interface Watcher {
  readonly child: ChildProcessWithoutNullStreams;
  /** Parsed stdout JSON lines so far. */
  readonly lines: any[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `ruleport admit --watch --json` from `from` to `to` as a real process. */
function startWatch(from: string, to: string, extra: readonly string[] = []): Watcher {
  const ws = workspace(sim.keys.full);
  const child = spawn(
    process.execPath,
    [main, '--halo-url', sim.url, '--auth', ws.auth, 'admit', '--from', from, '--to', to, '--watch', '--interval', '150ms',
      '--poll-interval', '20ms', '--timeout', '10s', '--journal', ws.journal, '--yes', '--json', ...extra],
    { cwd: ws.dir, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: any[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  child.stderr.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

/** Resolves once the watcher's stderr contains `text`. */
function stderrShows(w: Watcher, text: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (w.stderr().includes(text)) return resolve();
    const timer = setTimeout(() => reject(new Error(`stderr never showed ${JSON.stringify(text)}; got ${JSON.stringify(w.stderr())}`)), timeoutMs);
    const check = (): void => {
      if (!w.stderr().includes(text)) return;
      clearTimeout(timer);
      w.child.stderr.off('data', check);
      resolve();
    };
    w.child.stderr.on('data', check);
  });
}

/** Waits until the simulator has a scan of `serverId`. */
async function scanStarted(serverId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!sim.state.scans.some((s) => s.server_id === serverId)) {
    if (Date.now() > deadline) throw new Error(`no scan of ${serverId} within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once the process's stderr so far contains `text`. */
function stderrContains(child: ChildProcessWithoutNullStreams, stderr: () => string, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!stderr().includes(text)) return;
      child.stderr.off('data', check);
      resolve();
    };
    child.stderr.on('data', check);
    check();
  });
}

describe('ruleport admit --watch', () => {
  it('admits a server added later and exits cleanly on SIGTERM after the server in flight', async () => {
    sim.load({ groups: [{ name: 'WatchDirty' }, { name: 'WatchClean' }] });
    sim.setScanDuration(20, 40);
    server(sim, 'WatchDirty', 'early-1');
    const { child, lines, stderr, exited } = startWatch('WatchDirty', 'WatchClean');

    try {
      const first = await nextLine(child, lines, (l) => l.kind === 'batch' && l.servers.some((s: any) => s.hostname === 'early-1'));
      expect(first.servers).toMatchObject([{ hostname: 'early-1', action: 'moved' }]);

      server(sim, 'WatchDirty', 'late-1');
      const second = await nextLine(child, lines, (l) => l.kind === 'batch' && l.servers.some((s: any) => s.hostname === 'late-1'));
      expect(second.servers).toMatchObject([{ hostname: 'late-1', action: 'moved', result: 'pass' }]);
      expect(placement(sim)['late-1']).toBe('WatchClean');

      // A slow scan is in flight when the signal arrives: it must finish and be admitted before the exit.
      const slow = server(sim, 'WatchDirty', 'slow-1', [{ kind: 'slow', ms: 800 }]);
      await scanStarted(slow);
      child.kill('SIGTERM');
      const code = await exited;

      expect(stderr()).toContain('SIGTERM: finishing the servers in flight');
      expect(code).toBe(0);
      expect(placement(sim)['slow-1']).toBe('WatchClean');
      const final = lines.at(-1);
      expect(final.kind).toBe('final');
      expect(final.servers.map((s: any) => s.hostname).sort()).toEqual(['early-1', 'late-1', 'slow-1']);
      expect(final.totals).toEqual({ servers: 3, admitted: 3, notAdmitted: 0, moveFailed: 0 });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('on SIGINT finishes the server in flight, leaves the queued one unscanned, and exits 3', async () => {
    sim.load({ groups: [{ name: 'IntDirty' }, { name: 'IntClean' }] });
    // One at a time: whichever is scanned first is in flight at the signal, the other still queued. The scans
    // take an hour of simulated time, so the first cannot end before the signal however slow the machine is;
    // the simulator's clock is moved on only once the process has acknowledged the signal.
    const HOUR = 3_600_000;
    const ids = [server(sim, 'IntDirty', 'int-a', [{ kind: 'slow', ms: HOUR }]), server(sim, 'IntDirty', 'int-b', [{ kind: 'slow', ms: HOUR }])];
    const { child, lines, stderr, exited } = startWatch('IntDirty', 'IntClean', ['--concurrency', '1']);
    try {
      await Promise.race(ids.map(scanStarted));
      child.kill('SIGINT');
      await stderrContains(child, stderr, 'SIGINT: finishing the servers in flight');
      sim.advanceTime(HOUR);
      const code = await exited;

      expect(stderr()).toContain('SIGINT: finishing the servers in flight');
      expect(code).toBe(3);
      const scanned = sim.state.scans.filter((s) => ids.includes(s.server_id)).map((s) => s.server_hostname);
      expect(scanned).toHaveLength(1);
      const [first] = scanned;
      const other = first === 'int-a' ? 'int-b' : 'int-a';
      expect(placement(sim)[first!]).toBe('IntClean');
      expect(placement(sim)[other]).toBe('IntDirty');
      const final = lines.at(-1);
      expect(final.kind).toBe('final');
      const byHost = Object.fromEntries(final.servers.map((s: any) => [s.hostname, s]));
      expect(byHost[first!]).toMatchObject({ result: 'pass', action: 'moved' });
      expect(byHost[other]).toMatchObject({ result: 'not-scanned', action: 'kept', reason: 'stopped before this server was scanned' });
      expect(final.totals).toEqual({ servers: 2, admitted: 1, notAdmitted: 1, moveFailed: 0 });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a second signal quits at once with 130, leaving the server in flight where it was', async () => {
    sim.load({ groups: [{ name: 'QuitDirty' }, { name: 'QuitClean' }] });
    // The scan outlasts the test by far: only the second signal can end the process while it is in flight.
    const id = server(sim, 'QuitDirty', 'quit-a', [{ kind: 'slow', ms: 60_000 }]);
    const watcher = startWatch('QuitDirty', 'QuitClean', ['--timeout', '120s']);
    const { child, exited } = watcher;
    try {
      await scanStarted(id);
      child.kill('SIGINT');
      await stderrShows(watcher, 'SIGINT: finishing the servers in flight');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(placement(sim)['quit-a']).toBe('QuitDirty');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
