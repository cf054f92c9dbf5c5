import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/index.js';
import type { HaloGroup } from '../../../src/platforms/halo/servers-client.js';
import { resolveGroup } from '../../../src/workflows/admit/resolve-group.js';
import { formatDuration, parseDuration } from '../../../src/workflows/duration.js';

const g = (id: string, path: string): HaloGroup => ({ id, name: path.split('/').at(-1)!, path, linuxFirewallPolicyId: null, windowsFirewallPolicyId: null });
const groups = [g('g1', 'prod'), g('g2', 'prod/web'), g('g3', 'staging/web'), g('g4', 'ProdWebDirty')];

describe('resolveGroup', () => {
  it('takes an id, a name (any case) or a path', () => {
    expect(resolveGroup(groups, 'g3', '--from').id).toBe('g3');
    expect(resolveGroup(groups, 'prodwebdirty', '--from').id).toBe('g4');
    expect(resolveGroup(groups, 'prod/web', '--from').id).toBe('g2');
    expect(resolveGroup(groups, '/Staging/Web/', '--from').id).toBe('g3');
  });

  it('refuses an ambiguous name, listing the paths, and an unknown one', () => {
    expect(() => resolveGroup(groups, 'web', '--to')).toThrow('--to: group "web" is ambiguous: prod/web, staging/web (give the path or id)');
    expect(() => resolveGroup(groups, 'nope', '--to')).toThrow(InputError);
    expect(() => resolveGroup(groups, 'nope', '--to')).toThrow('no Halo group "nope" (have: ProdWebDirty, prod, prod/web, staging/web)');
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('5m', { field: '--interval' })).toBe(300_000);
    expect(parseDuration('1m30s', { field: '--interval' })).toBe(90_000);
    expect(parseDuration('250ms', { field: '--interval' })).toBe(250);
    expect(parseDuration('2', { field: '--interval' })).toBe(2000);
    expect(() => parseDuration('5 minutes', { field: '--interval' })).toThrow('--interval: invalid duration "5 minutes"');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(250)).toBe('250ms');
  });
});
