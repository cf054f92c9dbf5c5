/**
 * `convert` reads a PAN-OS source for the zone pair `--from-zone/--to-zone` name, as show/check/diff do. The
 * fixture's dmz→trust pair allows only `allow-reporting` (tcp 8443 and 9000-9010 from reporting-hosts,
 * 10.30.*.5) in and ping out; untrust→trust is a different rulebase (web, ssh, app servers).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleportOffline as ruleport } from '../../helpers/run-cli.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'panos', 'running-config.xml');

describe('convert from PAN-OS honours the zone pair', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-zones-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads dmz→trust when asked, and the result is that rulebase, not untrust→trust', async () => {
    const out = join(dir, 'dmz.xml');
    const r = await ruleport('convert', FIXTURE, '--to', 'panos', '--out', out, '--from-zone', 'dmz', '--to-zone', 'trust', '--service-mode', 'explicit');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`equivalent: ${FIXTURE} vsys1 dmz->trust and ${out} vsys1 dmz->trust`);
    expect(r.stderr).not.toContain('untrust->trust');
    // The reporting ports are there; the web and ssh ports of untrust→trust are not.
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('9000-9010');
    expect(xml).toContain('8443');
    expect(xml).not.toMatch(/<port>[^<]*\b(80|22)\b/);
    const same = await ruleport('diff', out, FIXTURE, '--from-zone', 'dmz', '--to-zone', 'trust');
    expect(same.code).toBe(0);
    const other = await ruleport('diff', out, FIXTURE, '--from-zone', 'untrust', '--to-zone', 'trust');
    expect(other.code).toBe(1);
  });

  it('without the flags reads untrust→trust; one flag alone is a usage error', async () => {
    const r = await ruleport('convert', FIXTURE, '--to', 'panos', '--out', join(dir, 'default.xml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`equivalent: ${FIXTURE} vsys1 untrust->trust`);
    const half = await ruleport('convert', FIXTURE, '--to', 'panos', '--out', join(dir, 'half.xml'), '--from-zone', 'dmz');
    expect(half.code).toBe(2);
    expect(half.stderr).toBe('ruleport: --to-zone: give --from-zone and --to-zone together\n');
  });
});
