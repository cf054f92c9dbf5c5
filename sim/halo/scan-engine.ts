/**
 * SCA scans: launching them by script, and settling them (recording issues) once their time is up.
 */
import { resultFor } from './findings.js';
import type { SimClock } from './clock.js';
import type { IdGenerator } from './ids.js';
import type { Prng } from './prng.js';
import { checkScanScript, type ScanOutcome, type ScanScript } from './scan-script.js';
import { isFinished } from './scan-timeline.js';
import type { CommandRecord, ScanRecord, ServerRecord, Store } from './store.js';

/** Default scan duration range: long enough to watch a status change, short enough for a demo. */
export const DEFAULT_SCAN_DURATION_MS = { min: 1000, max: 3000 } as const;

export class ScanEngine {
  private readonly scripts = new Map<string, ScanScript[]>();
  private durationMin: number = DEFAULT_SCAN_DURATION_MS.min;
  private durationMax: number = DEFAULT_SCAN_DURATION_MS.max;

  constructor(
    private readonly store: Store,
    private readonly clock: SimClock,
    private readonly ids: IdGenerator,
    private readonly prng: Prng,
  ) {}

  setDuration(msMin: number, msMax: number): void {
    if (!Number.isFinite(msMin) || !Number.isFinite(msMax) || msMin < 0 || msMax < msMin) {
      throw new RangeError(`setScanDuration: need 0 <= msMin <= msMax, got ${msMin}, ${msMax}`);
    }
    this.durationMin = Math.round(msMin);
    this.durationMax = Math.round(msMax);
  }

  /** Appends outcomes to the server's script; each later scan of it takes the next one. */
  script(serverId: string, outcomes: readonly ScanScript[]): void {
    for (const o of outcomes) checkScanScript(o);
    const queue = this.scripts.get(serverId) ?? [];
    queue.push(...outcomes);
    this.scripts.set(serverId, queue);
  }

  /** Starts a scan of `server`: a command and a scan record, with the script's next outcome. */
  launch(server: ServerRecord): { command: CommandRecord; scan: ScanRecord } {
    const entry: ScanScript = this.scripts.get(server.id)?.shift() ?? { kind: 'clean' };
    const now = this.clock.now();
    let duration = this.prng.between(this.durationMin, this.durationMax);
    let outcome: ScanOutcome | null;
    switch (entry.kind) {
      case 'clean':
      case 'findings':
      case 'failed':
        outcome = entry;
        break;
      case 'slow':
        duration = entry.ms;
        outcome = entry.then ?? { kind: 'clean' };
        break;
      case 'never':
        outcome = null;
        break;
      default: {
        const never: never = entry;
        throw new Error(`unknown scan script ${JSON.stringify(never)}`);
      }
    }
    const scan: ScanRecord = {
      id: this.ids.next('scan'),
      serverId: server.id,
      serverHostname: server.hostname,
      commandId: this.ids.next('command'),
      createdAt: now,
      queuedUntil: now + duration / 4,
      pendingUntil: now + duration / 2,
      endsAt: outcome ? now + duration : Infinity,
      outcome,
      result: outcome ? resultFor(outcome) : null,
      settled: false,
    };
    const command: CommandRecord = { id: scan.commandId, serverId: server.id, scanId: scan.id };
    this.store.scans.set(scan.id, scan);
    this.store.commands.set(command.id, command);
    return { command, scan };
  }

  /**
   * Applies every scan that has finished by now, in completion order: a clean scan resolves the server's
   * open issues, a scan with findings opens (or refreshes) one issue per failed check. Called before each request.
   */
  settle(): void {
    const now = this.clock.now();
    const due = [...this.store.scans.values()].filter((s) => !s.settled && isFinished(s, now));
    due.sort((a, b) => a.endsAt - b.endsAt);
    for (const scan of due) {
      scan.settled = true;
      this.recordIssues(scan);
    }
  }

  /** The most recently finished scan of a server (failed ones included), or undefined. */
  latestFinished(serverId: string): ScanRecord | undefined {
    const now = this.clock.now();
    let latest: ScanRecord | undefined;
    for (const s of this.store.scans.values()) {
      if (s.serverId !== serverId || !isFinished(s, now)) continue;
      if (!latest || s.endsAt >= latest.endsAt) latest = s;
    }
    return latest;
  }

  private recordIssues(scan: ScanRecord): void {
    const result = scan.result;
    // A failed scan says nothing about the configuration: open issues stay as they are.
    if (!result || result.status === 'failed') return;
    const bad = new Map(result.findings.filter((f) => f.status === 'bad').map((f) => [f.rule_name, f]));
    for (const issue of this.store.issues.values()) {
      if (issue.serverId !== scan.serverId) continue;
      const f = bad.get(issue.name);
      if (f) {
        issue.status = 'active';
        issue.critical = f.critical;
        issue.lastSeenAt = scan.endsAt;
        issue.resolvedAt = null;
        bad.delete(issue.name);
      } else if (issue.status === 'active') {
        issue.status = 'resolved';
        issue.resolvedAt = scan.endsAt;
      }
    }
    for (const f of bad.values()) {
      const id = this.ids.next('issue');
      this.store.issues.set(id, {
        id,
        serverId: scan.serverId,
        serverHostname: scan.serverHostname,
        name: f.rule_name,
        critical: f.critical,
        status: 'active',
        createdAt: scan.endsAt,
        lastSeenAt: scan.endsAt,
        resolvedAt: null,
      });
    }
  }
}
