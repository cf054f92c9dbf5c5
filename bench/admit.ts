/**
 * Admitting 1,000 servers whose simulated SCA scans take 1–5 s: wall time with bounded concurrency against
 * the serial approach (one server after another, as the seed script's loop amounts to; computed from the
 * sum of the simulator's scan durations rather than run), and the API calls each server costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaloSim } from '../sim/halo/index.js';
import { Journal, newRunId } from '../src/plan/index.js';
import { HaloClient } from '../src/platforms/halo/client.js';
import { HaloServersClient } from '../src/platforms/halo/servers-client.js';
import { admit } from '../src/workflows/admit.js';

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

const SERVERS = 1000;
const CONCURRENCY = 200;
const POLL_INITIAL_MS = 1000;

export async function run(): Promise<BenchRow[]> {
  const sim = await startHaloSim({ port: 0, randomSeed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-bench-admit-'));
  try {
    sim.load({ groups: [{ name: 'BenchDirty' }, { name: 'BenchClean' }] });
    for (let i = 0; i < SERVERS; i++) sim.addServer({ group_id: 'BenchDirty', hostname: `bench-${i}` });
    sim.setScanDuration(1000, 5000);
    sim.clearRequestLog();

    const http = new HaloClient({ baseUrl: sim.url, credentials: { keyId: sim.keys.full.keyId, secret: sim.keys.full.secret, source: 'bench' } });
    const run = newRunId();
    const started = performance.now();
    const { report } = await admit(
      {
        from: 'BenchDirty',
        to: 'BenchClean',
        criteria: { requiredRules: [] },
        timing: { timeoutMs: 120_000, retries: 2, pollInitialMs: POLL_INITIAL_MS, pollMaxMs: 60_000 },
        concurrency: CONCURRENCY,
        dryRun: false,
      },
      {
        api: new HaloServersClient(http),
        ctx: { connection: {}, warn: () => undefined, debug: () => undefined },
        run,
        journal: new Journal(join(dir, 'journal.jsonl'), run),
      },
    );
    const wallS = (performance.now() - started) / 1000;
    if (report.totals.admitted !== SERVERS) throw new Error(`bench: only ${report.totals.admitted} of ${SERVERS} admitted`);

    const log = sim.requestLog;
    const scans = sim.state.scans;
    const serialS = scans.reduce((sum, s) => sum + (Date.parse(s.completed_at!) - Date.parse(s.created_at)), 0) / 1000;
    const count = (pred: (e: (typeof log)[number]) => boolean) => log.filter(pred).length;
    const polls = count((e) => e.method === 'GET' && /\/commands\//.test(e.path));
    return [
      { name: `admit ${SERVERS} servers, scans 1–5 s, concurrency ${CONCURRENCY}: wall time`, value: round(wallS), unit: 's' },
      { name: 'serial approach (sum of scan durations)', value: round(serialS), unit: 's' },
      { name: 'speed-up over serial', value: round(serialS / wallS), unit: '×' },
      { name: `lower bound at concurrency ${CONCURRENCY} (serial / ${CONCURRENCY})`, value: round(serialS / CONCURRENCY), unit: 's' },
      { name: 'API calls per server (all requests / servers)', value: round(log.length / SERVERS), unit: 'calls' },
      { name: 'command polls per server', value: round(polls / SERVERS), unit: 'calls' },
      { name: 'token requests', value: count((e) => e.path === '/oauth/access_token'), unit: 'calls' },
    ];
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
