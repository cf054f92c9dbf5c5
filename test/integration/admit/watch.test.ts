/**
 * `--watch` as a real process: it admits a server added after it started, and on SIGTERM finishes the server
 * in flight, then exits 0 with the session's report.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { placement, server, workspace } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = `${root}dist/src/cli/main.js`;
let sim: HaloSim;

beforeAll(async () => {
  // Others' work in progress may not typecheck; tsc still emits, and the admit files are what this test needs.
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, timeout: 240_000 }).catch(() => undefined);
  if (!existsSync(`${root}dist/src/cli/commands/admit.js`)) throw new Error('build failed: dist/src/cli/commands/admit.js missing');
  sim = await startHaloSim({ port: 0 });
}, 300_000);
afterAll(async () => {
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

describe('ruleport admit --watch', () => {
  it('admits a server added later and exits cleanly on SIGTERM after the server in flight', async () => {
    sim.load({ groups: [{ name: 'WatchDirty' }, { name: 'WatchClean' }] });
    sim.setScanDuration(20, 40);
    server(sim, 'WatchDirty', 'early-1');
    const ws = workspace(sim.keys.full);
    const child = spawn(
      process.execPath,
      [main, '--halo-url', sim.url, '--auth', ws.auth, 'admit', '--from', 'WatchDirty', '--to', 'WatchClean', '--watch', '--interval', '150ms',
        '--poll-interval', '20ms', '--timeout', '10s', '--journal', ws.journal, '--yes', '--json'],
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

    try {
      const first = await nextLine(child, lines, (l) => l.kind === 'batch' && l.servers.some((s: any) => s.hostname === 'early-1'));
      expect(first.servers).toMatchObject([{ hostname: 'early-1', action: 'moved' }]);

      server(sim, 'WatchDirty', 'late-1');
      const second = await nextLine(child, lines, (l) => l.kind === 'batch' && l.servers.some((s: any) => s.hostname === 'late-1'));
      expect(second.servers).toMatchObject([{ hostname: 'late-1', action: 'moved', result: 'pass' }]);
      expect(placement(sim)['late-1']).toBe('WatchClean');

      // A slow scan is in flight when the signal arrives: it must finish and be admitted before the exit.
      const slow = server(sim, 'WatchDirty', 'slow-1', [{ kind: 'slow', ms: 800 }]);
      const deadline = Date.now() + 10_000;
      while (!sim.state.scans.some((s) => s.server_id === slow) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGTERM');
      const code = await exited;

      expect(stderr).toContain('SIGTERM: finishing the servers in flight');
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
});
