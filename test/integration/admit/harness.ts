/**
 * Shared set-up for the admit tests: a simulator with a source and a destination group, a credentials file,
 * and the CLI run in-process with captured streams.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/run.js';
import type { HaloApiKey, HaloSim, ScanScript } from '../../../sim/halo/index.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const scratch: string[] = [];

/** A scratch directory with a credentials file for `key` and a journal path; `removeWorkspaces` deletes it. */
export function workspace(key: HaloApiKey, name = 'auth'): { dir: string; auth: string; journal: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-admit-'));
  scratch.push(dir);
  const auth = join(dir, name);
  writeFileSync(auth, `# test key\n${key.keyId}|${key.secret}\n`, { mode: 0o600 });
  return { dir, auth, journal: join(dir, 'journal.jsonl') };
}

/** Deletes every workspace this test file created (call it in afterAll). */
export function removeWorkspaces(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs `ruleport --halo-url SIM --auth FILE admit ARGS --journal J --yes` in-process. */
export async function admitCli(sim: HaloSim, ws: { auth: string; journal: string }, args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await run(['--halo-url', sim.url, '--auth', ws.auth, 'admit', '--journal', ws.journal, '--yes', ...args], io);
  return { code, stdout, stderr };
}

/** Adds a source group `Staging/WebDirty`, a destination `Production/WebClean` and firewall policies. */
export function seedGroups(sim: HaloSim): void {
  sim.load({
    policies: [
      { name: 'web-dirty', firewall_rules: [{ chain: 'INPUT', action: 'DROP' }] },
      { name: 'web-clean', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_service: 'https' }] },
    ],
    groups: [
      { name: 'Staging' },
      { name: 'Production' },
      { name: 'WebDirty', parent_id: 'Staging', linux_firewall_policy_id: 'web-dirty' },
      { name: 'WebClean', parent_id: 'Production', linux_firewall_policy_id: 'web-clean' },
    ],
  });
}

export function groupId(sim: HaloSim, name: string): string {
  const g = sim.state.groups.find((x) => x.name === name);
  if (!g) throw new Error(`no group ${name}`);
  return g.id;
}

/** Adds a server to `group` with a scan script; returns its id. */
export function server(sim: HaloSim, group: string, hostname: string, script: readonly ScanScript[] = []): string {
  const s = sim.addServer({ group_id: group, hostname });
  if (script.length > 0) sim.scriptScan(s.id, script);
  return s.id;
}

/** Hostname → group name, from the simulator's own state (independent of what ruleport reports). */
export function placement(sim: HaloSim): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sim.state.servers) out[s.hostname] = s.group_name ?? '';
  return out;
}

export function journalLines(path: string): any[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** Fast scans and polls, so a test run takes a second or two. */
export const FAST = ['--poll-interval', '20ms', '--timeout', '3s'] as const;
