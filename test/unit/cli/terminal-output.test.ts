/**
 * Names and descriptions in the policies ruleport reads are not trusted to be plain text: printed, their control
 * characters are escapes, so a hostile policy cannot send escape sequences to the user's terminal (clear the
 * screen, set the window title or the clipboard) or split a one-line error into forged lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ruleportOffline as ruleport } from '../../helpers/run-cli.js';

const ESC = '\x1b';
const CSI = '\x9b';
/** Any C0/C1 control character other than the line feeds and tabs that lay text out. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('terminal output of hostile names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-term-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('show: escape sequences in a policy name and a rule comment are printed as escapes', async () => {
    const path = join(dir, 'halo.json');
    const policy = {
      name: `web${ESC}]0;owned${'\x07'}`,
      platform: 'linux',
      firewall_rules: [
        {
          chain: 'INPUT',
          action: 'ACCEPT',
          active: true,
          comment: `ssh${ESC}[2J${CSI}31m\nforged row`,
          firewall_source: { type: 'FirewallZone', name: 'lan', ip_address: '10.0.0.0/8' },
          firewall_service: { protocol: 'TCP', port: '22' },
        },
      ],
    };
    writeFileSync(path, JSON.stringify({ firewall_policies: [policy] }));
    const r = await ruleport('show', path);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('web\\u001b]0;owned\\u0007');
    // The line break stays in its cell: the table gets no forged row.
    expect(r.stdout).toContain('ssh\\u001b[2J\\u009b31m\\nforged row');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('forged row'))).toEqual([]);
  });

  it('an error naming a hostile file is one line without raw control characters', async () => {
    const r = await ruleport('show', join(dir, `missing${ESC}[2J\nruleport: all good.json`));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing\\u001b[2J\\nruleport: all good.json');
  });
});
