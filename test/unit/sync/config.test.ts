import { describe, expect, it } from 'vitest';
import { parseSyncConfig } from '../../../src/workflows/sync/config.js';

const GOOD = `firewall:
  location: panos:https://fw.example.com/vsys1
  api-key-file: /etc/ruleport/panos.key
  zones: { untrust: untrust, trust: trust }
  bottom-rule: Clean up
  profile-group: strict
aws:
  regions: [us-east-1]
  firewall-instances: { vpc-0abc1234: i-0fe456789 }
  accounts:
    - { id: "111111111111", role-arn: "arn:aws:iam::111111111111:role/ruleport-sync" }
`;

const error = (text: string): string => {
  try {
    parseSyncConfig(text, 'ruleport.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('ruleport.yaml', () => {
  it('reads the documented shape with its defaults', () => {
    const c = parseSyncConfig(GOOD, 'ruleport.yaml');
    expect(c.firewall).toEqual({
      location: 'panos:https://fw.example.com/vsys1',
      apiKeyFile: '/etc/ruleport/panos.key',
      zones: { untrust: 'untrust', trust: 'trust' },
      bottomRule: 'Clean up',
      profileGroup: 'strict',
      tag: 'ruleport',
      addressMode: 'dynamic',
    });
    expect(c.aws).toEqual({
      regions: ['us-east-1'],
      firewallInstances: { 'vpc-0abc1234': 'i-0fe456789' },
      accounts: [{ id: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/ruleport-sync' }],
    });
  });

  it('names an unknown key and its line', () => {
    const text = GOOD.replace('  profile-group: strict\n', '  profile-groups: strict\n');
    expect(error(text)).toBe('ruleport.yaml: key firewall.profile-groups: line 6: unknown key "profile-groups"');
  });

  it('names a wrongly typed key and its line', () => {
    const text = GOOD.replace('regions: [us-east-1]', 'regions: us-east-1');
    expect(error(text)).toBe('ruleport.yaml: key aws.regions: line 8: expected array, got string "us-east-1"');
  });

  it('names a bad value inside a list', () => {
    const text = GOOD.replace('id: "111111111111"', 'id: "1111"');
    expect(error(text)).toMatch(/^ruleport\.yaml: key aws\.accounts\[0\]\.id: line 11: must be a 12-digit account id/);
  });

  it('reports a missing key at its parent', () => {
    const text = GOOD.replace('  bottom-rule: Clean up\n', '');
    expect(error(text)).toBe('ruleport.yaml: key firewall.bottom-rule: line 1: missing');
  });

  it('refuses an unknown address mode', () => {
    const text = GOOD.replace('  profile-group: strict\n', '  address-mode: magic\n');
    expect(error(text)).toMatch(/^ruleport\.yaml: key firewall\.address-mode: line 6: /);
  });

  it('reports malformed YAML with its line', () => {
    expect(error('firewall:\n  zones: { untrust: a\n')).toMatch(/^ruleport\.yaml: line \d+: malformed YAML/);
  });
});
