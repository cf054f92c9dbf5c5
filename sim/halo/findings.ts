/**
 * Turns a scripted outcome into an SCA result with believable findings. Rule names come from the script when
 * given, otherwise from a catalogue of CIS-style checks, so output printed by ruleport reads like the real thing.
 */
import type { ScanOutcome } from './scan-script.js';
import type { ScanResult } from './store.js';
import type { WireFinding } from './wire-types.js';

/** How many passing checks every completed scan reports besides its failures. */
export const OK_FINDINGS = 8;

const CATALOGUE: readonly string[] = [
  'Ensure SSH root login is disabled',
  'Ensure SSH PermitEmptyPasswords is disabled',
  'Ensure password expiration is 365 days or less',
  'Ensure permissions on /etc/shadow are configured',
  'Ensure auditd service is enabled',
  'Ensure rsyslog service is enabled',
  'Ensure IP forwarding is disabled',
  'Ensure telnet server is not installed',
  'Ensure core dumps are restricted',
  'Ensure address space layout randomization is enabled',
  'Ensure NTP is configured',
  'Ensure SELinux is not disabled',
  'Ensure permissions on /etc/passwd are configured',
  'Ensure no legacy + entries exist in /etc/passwd',
  'Ensure SSH MaxAuthTries is set to 4 or less',
  'Ensure cron daemon is enabled',
  'Ensure X Window System is not installed',
  'Ensure mounting of cramfs filesystems is disabled',
];

function finding(ruleName: string, critical: boolean, status: 'bad' | 'good'): WireFinding {
  return {
    rule_name: ruleName,
    critical,
    status,
    details: [
      {
        type: 'configuration',
        target: ruleName,
        expected: 'compliant',
        actual: status === 'good' ? 'compliant' : 'non-compliant',
        status,
      },
    ],
  };
}

/** The result a completed (or failed) scan reports. */
export function resultFor(outcome: ScanOutcome): ScanResult {
  switch (outcome.kind) {
    case 'failed':
      return { status: 'failed', findings: [] };
    case 'clean':
      return { status: 'completed_clean', findings: goodFindings(new Set()) };
    case 'findings': {
      const given = outcome.failingRules ?? [];
      const bad: WireFinding[] = [];
      const total = outcome.critical + outcome.nonCritical;
      const used = new Set<string>(given);
      let spare = 0;
      for (let i = 0; i < total; i++) {
        let name = given[i];
        if (name === undefined) {
          // Skip catalogue names the script already used, so every finding is distinct.
          while (spare < CATALOGUE.length && used.has(CATALOGUE[spare]!)) spare++;
          name = spare < CATALOGUE.length ? CATALOGUE[spare++]! : `Configuration check ${i + 1}`;
          used.add(name);
        }
        bad.push(finding(name, i < outcome.critical, 'bad'));
      }
      return {
        status: total > 0 ? 'completed_with_errors' : 'completed_clean',
        findings: [...bad, ...goodFindings(used)],
      };
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

function goodFindings(exclude: ReadonlySet<string>): WireFinding[] {
  const names = CATALOGUE.filter((n) => !exclude.has(n)).slice(-OK_FINDINGS);
  while (names.length < OK_FINDINGS) names.push(`Baseline check ${names.length + 1}`);
  return names.map((n) => finding(n, false, 'good'));
}

export function countFindings(findings: readonly WireFinding[]): { critical: number; nonCritical: number; ok: number } {
  let critical = 0;
  let nonCritical = 0;
  let ok = 0;
  for (const f of findings) {
    if (f.status === 'good') ok++;
    else if (f.status === 'bad') {
      if (f.critical) critical++;
      else nonCritical++;
    }
  }
  return { critical, nonCritical, ok };
}
