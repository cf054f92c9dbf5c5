/**
 * Admitting 1,000 servers whose simulated SCA scans take 1–5 s (real time, not scaled): wall time with bounded
 * concurrency against the serial approach, and the API calls each server costs.
 *
 * The serial approach is given three ways: measured (ruleport at --concurrency 1 on a sample, extrapolated
 * per server to the whole group, because running it on 1,000 servers would take over an hour); the seed
 * script's way (one server at a time, the command polled every 30 s), computed from the simulator's own scan
 * durations; and the floor no serial tool can beat, the sum of those durations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaloSim, type HaloSim } from '../sim/halo/index.js';
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
/** Servers of the measured serial run. */
const SERIAL_SAMPLE = 10;
const POLL_INITIAL_MS = 1000;
/** The seed script's poll period. */
const SEED_POLL_MS = 30_000;

interface Measured {
  readonly wallS: number;
  /** Requests to the simulator (token, listings, launches, polls, results, moves, read-backs, retries). */
  readonly requests: number;
  readonly polls: number;
  readonly tokens: number;
  /** Scan durations drawn by the simulator for this run's servers, in ms. */
  readonly durationsMs: number[];
}

export async function run(): Promise<BenchRow[]> {
  const sim = await startHaloSim({ port: 0, randomSeed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-bench-admit-'));
  try {
    sim.setScanDuration(1000, 5000);
    const bulk = await measure(sim, dir, 'Bulk', SERVERS, CONCURRENCY);
    const serial = await measure(sim, dir, 'Serial', SERIAL_SAMPLE, 1);

    const serialS = (serial.wallS / SERIAL_SAMPLE) * SERVERS;
    const floorS = sum(bulk.durationsMs) / 1000;
    const seedS = sum(bulk.durationsMs.map((d) => Math.ceil(d / SEED_POLL_MS) * SEED_POLL_MS)) / 1000;
    return [
      { name: `admit ${SERVERS} servers, scans 1–5 s (real time), concurrency ${CONCURRENCY}: wall time`, value: round(bulk.wallS), unit: 's' },
      { name: `serial, measured (concurrency 1 on ${SERIAL_SAMPLE} servers, × ${SERVERS / SERIAL_SAMPLE})`, value: round(serialS), unit: 's' },
      { name: 'serial, the seed script\'s way (one at a time, polled every 30 s), computed', value: round(seedS), unit: 's' },
      { name: 'serial floor (sum of the scan durations)', value: round(floorS), unit: 's' },
      { name: 'speed-up over serial, measured', value: round(serialS / bulk.wallS), unit: '×' },
      { name: `lower bound at concurrency ${CONCURRENCY} (floor / ${CONCURRENCY})`, value: round(floorS / CONCURRENCY), unit: 's' },
      { name: `API calls per server, concurrency ${CONCURRENCY} (all requests / servers)`, value: round(bulk.requests / SERVERS), unit: 'calls' },
      { name: `  of which command polls`, value: round(bulk.polls / SERVERS), unit: 'calls' },
      { name: 'API calls per server, serial sample', value: round(serial.requests / SERIAL_SAMPLE), unit: 'calls' },
      { name: `token requests, concurrency ${CONCURRENCY}`, value: bulk.tokens, unit: 'calls' },
    ];
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Admits `count` fresh servers from `<prefix>Dirty` to `<prefix>Clean` and measures the run. */
async function measure(sim: HaloSim, dir: string, prefix: string, count: number, concurrency: number): Promise<Measured> {
  const from = `${prefix}Dirty`;
  sim.load({ groups: [{ name: from }, { name: `${prefix}Clean` }] });
  for (let i = 0; i < count; i++) sim.addServer({ group_id: from, hostname: `${prefix.toLowerCase()}-${i}` });
  sim.clearRequestLog();

  const http = new HaloClient({ baseUrl: sim.url, credentials: { keyId: sim.keys.full.keyId, secret: sim.keys.full.secret, source: 'bench' } });
  const runId = newRunId();
  const started = performance.now();
  const result = await admit(
    {
      from,
      to: `${prefix}Clean`,
      criteria: { requiredRules: [] },
      timing: { timeoutMs: 120_000, retries: 2, pollInitialMs: POLL_INITIAL_MS, pollMaxMs: 60_000 },
      concurrency,
      dryRun: false,
    },
    {
      api: new HaloServersClient(http),
      ctx: { connection: {}, warn: () => undefined, debug: () => undefined },
      run: runId,
      journal: new Journal(join(dir, 'journal.jsonl'), runId),
    },
  );
  const wallS = (performance.now() - started) / 1000;
  if (!result) throw new Error('bench: the run was cancelled');
  const { report } = result;
  if (report.totals.admitted !== count) throw new Error(`bench: only ${report.totals.admitted} of ${count} admitted`);

  const log = sim.requestLog;
  const ids = new Set(report.servers.map((s) => s.id));
  const durationsMs = sim.state.scans.filter((s) => ids.has(s.server_id)).map((s) => Date.parse(s.completed_at!) - Date.parse(s.created_at));
  return {
    wallS,
    requests: log.length,
    polls: log.filter((e) => e.method === 'GET' && e.path.includes('/commands/')).length,
    tokens: log.filter((e) => e.path === '/oauth/access_token').length,
    durationsMs,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
