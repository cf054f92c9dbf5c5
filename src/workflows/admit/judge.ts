/**
 * Admission judgement: from what a server's scan produced to admit or not, with the reason a person reads.
 * Pure: the scan lifecycle (scan-server.ts) gathers the evidence, this decides.
 */
import type { ScaFinding, ScaScan } from '../../platforms/halo/servers-client.js';
import { formatDuration } from '../duration.js';

/** What a server must meet to be admitted. */
export interface AdmitCriteria {
  /**
   * Thresholds on the findings counts. With neither set a pass is exactly `completed_clean`; with either set a
   * completed scan passes when its counts are within both (an unset one counts as 0).
   */
  readonly maxCritical?: number;
  readonly maxNonCritical?: number;
  /** Checks (rule names) that must be in the scan and good, whatever the thresholds allow. */
  readonly requiredRules: readonly string[];
}

/** How a server's scan attempt ended, as gathered by the scan lifecycle. */
export type ScanEvidence =
  /** The latest SCA result, and the server time it must not predate (our scan command's creation). */
  | { readonly kind: 'result'; readonly scan: ScaScan; readonly notBefore: string; readonly attempts: number }
  /** The scan command completed but the server has no SCA result. */
  | { readonly kind: 'missing'; readonly attempts: number }
  /** Every attempt failed (the first plus `--retries` re-launches). */
  | { readonly kind: 'scan-failed'; readonly attempts: number }
  /** Not finished within the per-server timeout; `status` is the last one seen. */
  | { readonly kind: 'timeout'; readonly timeoutMs: number; readonly status: string; readonly attempts: number }
  /** The server disappeared or stopped being active during the run. */
  | { readonly kind: 'gone'; readonly detail: string }
  /** An API call failed for good (after the transport's retries). */
  | { readonly kind: 'error'; readonly message: string }
  /** The run was stopped (SIGINT/SIGTERM) before this server was scanned. */
  | { readonly kind: 'not-scanned' };

/** The result column of the report. */
export type JudgeResult = 'pass' | 'fail' | 'stale' | 'missing' | 'scan-failed' | 'timeout' | 'gone' | 'error' | 'not-scanned';

export interface Verdict {
  readonly admit: boolean;
  readonly result: JudgeResult;
  /** One line: why (not) admitted. */
  readonly reason: string;
  readonly scanId?: string;
  readonly critical?: number;
  readonly nonCritical?: number;
  /** Bad findings, then required checks that were not good. */
  readonly failingRules: readonly string[];
  readonly attempts: number;
}

/** Decides one server. */
export function judge(evidence: ScanEvidence, criteria: AdmitCriteria): Verdict {
  switch (evidence.kind) {
    case 'result':
      return judgeScan(evidence.scan, evidence.notBefore, evidence.attempts, criteria);
    case 'missing':
      return refuse('missing', 'the scan completed but the server has no SCA result', evidence.attempts);
    case 'scan-failed':
      return refuse('scan-failed', `the scan failed ${evidence.attempts === 1 ? 'once' : `${evidence.attempts} times`} (retries exhausted)`, evidence.attempts);
    case 'timeout':
      return refuse('timeout', `the scan did not finish within ${formatDuration(evidence.timeoutMs)} (last status ${evidence.status})`, evidence.attempts);
    case 'gone':
      return refuse('gone', evidence.detail, 0);
    case 'error':
      return refuse('error', evidence.message, 0);
    case 'not-scanned':
      return refuse('not-scanned', 'stopped before this server was scanned', 0);
    default: {
      const never: never = evidence;
      throw new Error(`unknown scan evidence ${JSON.stringify(never)}`);
    }
  }
}

function refuse(result: JudgeResult, reason: string, attempts: number): Verdict {
  return { admit: false, result, reason, failingRules: [], attempts };
}

const COMPLETED = new Set(['completed_clean', 'completed_with_errors']);

function judgeScan(scan: ScaScan, notBefore: string, attempts: number, criteria: AdmitCriteria): Verdict {
  const base = { scanId: scan.id, critical: scan.critical, nonCritical: scan.nonCritical, attempts };
  const created = Date.parse(scan.createdAt);
  const floor = Date.parse(notBefore);
  // An unparseable time cannot prove the scan is ours, so it counts as stale.
  if (!(created >= floor)) {
    return { ...base, admit: false, result: 'stale', reason: `the latest scan (${scan.createdAt}) predates this run (${notBefore})`, failingRules: [] };
  }
  if (scan.status === 'failed') {
    return { ...base, admit: false, result: 'scan-failed', reason: 'the latest scan failed', failingRules: [] };
  }
  if (!COMPLETED.has(scan.status)) {
    return { ...base, admit: false, result: 'timeout', reason: `the latest scan has not finished (status ${scan.status})`, failingRules: [] };
  }

  const bad = scan.findings.filter((f) => f.status === 'bad').map((f) => f.ruleName);
  const required = requiredProblems(scan.findings, criteria.requiredRules);
  const failingRules = [...bad, ...required.filter((r) => !bad.includes(r.name)).map((r) => r.name)];
  const problems: string[] = [];

  const thresholds = criteria.maxCritical !== undefined || criteria.maxNonCritical !== undefined;
  if (thresholds) {
    const maxC = criteria.maxCritical ?? 0;
    const maxN = criteria.maxNonCritical ?? 0;
    if (scan.critical > maxC) problems.push(`${scan.critical} critical > ${maxC}`);
    if (scan.nonCritical > maxN) problems.push(`${scan.nonCritical} non-critical > ${maxN}`);
  } else if (scan.status !== 'completed_clean') {
    problems.push(`not clean: ${scan.critical} critical, ${scan.nonCritical} non-critical findings`);
  }
  for (const r of required) problems.push(r.problem);

  if (problems.length > 0) return { ...base, admit: false, result: 'fail', reason: problems.join('; '), failingRules };
  const reason =
    scan.status === 'completed_clean'
      ? 'clean'
      : `within thresholds (${scan.critical} critical, ${scan.nonCritical} non-critical)`;
  return { ...base, admit: true, result: 'pass', reason, failingRules };
}

/** Required checks that are absent from the scan or not good; names compare case-insensitively, as Halo's do. */
function requiredProblems(findings: readonly ScaFinding[], required: readonly string[]): { name: string; problem: string }[] {
  const out: { name: string; problem: string }[] = [];
  for (const name of required) {
    const f = findings.find((x) => x.ruleName.trim().toLowerCase() === name.trim().toLowerCase());
    if (!f) out.push({ name, problem: `required check "${name}" is not in the scan` });
    else if (f.status !== 'good') out.push({ name: f.ruleName, problem: `required check "${f.ruleName}" is ${f.status}` });
  }
  return out;
}
