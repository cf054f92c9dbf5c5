import { describe, expect, it } from 'vitest';
import type { ScaFinding, ScaScan } from '../../../src/platforms/halo/servers-client.js';
import { judge, type AdmitCriteria } from '../../../src/workflows/admit/judge.js';

const RUN = '2026-01-10T10:00:00.000Z';
const AFTER = '2026-01-10T10:00:05.000Z';
const BEFORE = '2026-01-10T09:59:59.000Z';

const good = (ruleName: string): ScaFinding => ({ ruleName, critical: false, status: 'good' });
const bad = (ruleName: string, critical = false): ScaFinding => ({ ruleName, critical, status: 'bad' });

function scan(status: string, findings: ScaFinding[], createdAt = AFTER): ScaScan {
  const b = findings.filter((f) => f.status === 'bad');
  return {
    id: 'scan-1',
    status,
    createdAt,
    completedAt: createdAt,
    critical: b.filter((f) => f.critical).length,
    nonCritical: b.filter((f) => !f.critical).length,
    findings,
  };
}

const strict: AdmitCriteria = { requiredRules: [] };
const result = (s: ScaScan, criteria: AdmitCriteria = strict) => judge({ kind: 'result', scan: s, notBefore: RUN, attempts: 1 }, criteria);

describe('judge', () => {
  it('admits a clean scan and nothing else by default', () => {
    expect(result(scan('completed_clean', [good('a'), good('b')]))).toMatchObject({ admit: true, result: 'pass', reason: 'clean', critical: 0, nonCritical: 0 });
    const dirty = result(scan('completed_with_errors', [bad('Ensure telnet server is not installed'), good('b')]));
    expect(dirty).toMatchObject({ admit: false, result: 'fail', nonCritical: 1, critical: 0, failingRules: ['Ensure telnet server is not installed'] });
    expect(dirty.reason).toBe('not clean: 0 critical, 1 non-critical findings');
  });

  it('relaxes to thresholds; an unset threshold counts as zero', () => {
    const s = scan('completed_with_errors', [bad('c1', true), bad('n1'), bad('n2')]); // 1 critical, 2 non-critical
    expect(result(s, { maxCritical: 1, maxNonCritical: 2, requiredRules: [] }).admit).toBe(true);
    expect(result(s, { maxCritical: 1, maxNonCritical: 1, requiredRules: [] })).toMatchObject({ admit: false, reason: '2 non-critical > 1' });
    expect(result(s, { maxNonCritical: 5, requiredRules: [] })).toMatchObject({ admit: false, reason: '1 critical > 0' });
    expect(result(s, { maxCritical: 3, requiredRules: [] })).toMatchObject({ admit: false, reason: '2 non-critical > 0' });
    const pass = result(s, { maxCritical: 1, maxNonCritical: 2, requiredRules: [] });
    expect(pass.reason).toBe('within thresholds (1 critical, 2 non-critical)');
    expect(pass.failingRules).toEqual(['c1', 'n1', 'n2']);
  });

  it('makes required checks mandatory whatever the thresholds allow', () => {
    const s = scan('completed_with_errors', [bad('Ensure NTP is configured'), good('Ensure auditd service is enabled')]);
    const loose = { maxNonCritical: 10, requiredRules: ['ensure ntp is configured'] };
    expect(result(s, loose)).toMatchObject({ admit: false, result: 'fail', reason: 'required check "Ensure NTP is configured" is bad' });
    expect(result(s, { maxNonCritical: 10, requiredRules: ['Ensure auditd service is enabled'] }).admit).toBe(true);
    const absent = result(scan('completed_clean', [good('x')]), { requiredRules: ['Ensure SELinux is not disabled'] });
    expect(absent).toMatchObject({ admit: false, reason: 'required check "Ensure SELinux is not disabled" is not in the scan', failingRules: ['Ensure SELinux is not disabled'] });
    const indeterminate = result(scan('completed_clean', [{ ruleName: 'r', critical: false, status: 'indeterminate' }]), { requiredRules: ['r'] });
    expect(indeterminate).toMatchObject({ admit: false, reason: 'required check "r" is indeterminate' });
  });

  it('refuses a scan older than the run, or one with an unreadable time', () => {
    expect(result(scan('completed_clean', [good('a')], BEFORE))).toMatchObject({ admit: false, result: 'stale' });
    expect(result(scan('completed_clean', [good('a')], 'yesterday'))).toMatchObject({ admit: false, result: 'stale' });
    expect(result(scan('completed_clean', [good('a')], RUN)).admit).toBe(true);
  });

  it('refuses unfinished and failed scans even with generous thresholds', () => {
    const loose = { maxCritical: 99, maxNonCritical: 99, requiredRules: [] };
    expect(result(scan('running', []), loose)).toMatchObject({ admit: false, result: 'timeout' });
    expect(result(scan('failed', []), loose)).toMatchObject({ admit: false, result: 'scan-failed' });
  });

  it('explains every other way a scan can end', () => {
    expect(judge({ kind: 'missing', attempts: 1 }, strict)).toMatchObject({ admit: false, result: 'missing' });
    expect(judge({ kind: 'scan-failed', attempts: 3 }, strict)).toMatchObject({ admit: false, result: 'scan-failed', reason: 'the scan failed 3 times (retries exhausted)', attempts: 3 });
    expect(judge({ kind: 'timeout', timeoutMs: 120_000, status: 'pending', attempts: 1 }, strict)).toMatchObject({
      admit: false,
      result: 'timeout',
      reason: 'the scan did not finish within 2m (last status pending)',
    });
    expect(judge({ kind: 'gone', detail: 'the server disappeared during the run' }, strict)).toMatchObject({ admit: false, result: 'gone' });
    expect(judge({ kind: 'error', message: 'halo GET x: HTTP 500' }, strict)).toMatchObject({ admit: false, result: 'error', reason: 'halo GET x: HTTP 500' });
    expect(judge({ kind: 'not-scanned' }, strict)).toMatchObject({ admit: false, result: 'not-scanned' });
  });
});
