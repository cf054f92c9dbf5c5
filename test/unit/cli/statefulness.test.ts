/**
 * Statefulness in verification: a stateless NACL and a stateful security group that allow the same flows are
 * not the same policy — the group also admits every reply. `diff` and `convert` must say which side is
 * stateless, and a stateless → stateful convert is lossy in kind. The policies are written out by hand: a NACL
 * allowing HTTPS in and everything out, and a security group allowing exactly that.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleportOffline } from '../../helpers/run-cli.js';

const ruleport = ruleportOffline;

const entry = (n: number, egress: boolean, action: string, protocol: string, ports?: [number, number]) => ({
  RuleNumber: n,
  Egress: egress,
  RuleAction: action,
  Protocol: protocol,
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  CidrBlock: '0.0.0.0/0',
});
const NACL = {
  NetworkAcls: [
    {
      NetworkAclId: 'acl-0000000000000000a',
      VpcId: 'vpc-0123456789abcdef0',
      IsDefault: false,
      Associations: [],
      Tags: [],
      Entries: [entry(100, false, 'allow', '6', [443, 443]), entry(32767, false, 'deny', '-1'), entry(100, true, 'allow', '-1'), entry(32767, true, 'deny', '-1')],
    },
  ],
};
const group = (id: string) => ({
  GroupId: id,
  GroupName: id,
  Description: 'https in, all out',
  VpcId: 'vpc-0123456789abcdef0',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
});

describe('statefulness caveats', () => {
  let dir: string;
  let nacl: string;
  let sg: string;
  let sg2: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-stateful-'));
    nacl = join(dir, 'nacl.json');
    sg = join(dir, 'sg.json');
    sg2 = join(dir, 'sg2.json');
    writeFileSync(nacl, JSON.stringify(NACL));
    writeFileSync(sg, JSON.stringify({ SecurityGroups: [group('sg-0000000000000000a')] }));
    writeFileSync(sg2, JSON.stringify({ SecurityGroups: [group('sg-0000000000000000b')] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('diff: same flows, but the caveat names the stateless side (human and --json)', async () => {
    const human = await ruleport('diff', sg, nacl);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('equivalent: sg-0000000000000000a and acl-0000000000000000a allow exactly the same flows');
    expect(human.stdout).toContain(
      'caveat: the second side, acl-0000000000000000a (aws-nacl), is stateless and the other, sg-0000000000000000a (aws-sg), stateful',
    );
    const json = JSON.parse((await ruleport('diff', nacl, sg, '--json')).stdout) as { equivalent: boolean; caveats: Record<string, unknown>[] };
    expect(json.equivalent).toBe(true);
    expect(json.caveats).toHaveLength(1);
    expect(json.caveats[0]).toMatchObject({ kind: 'statefulness', stateless: 'a', statelessPolicy: 'acl-0000000000000000a', statefulPolicy: 'sg-0000000000000000a' });
  });

  it('diff: no caveat when both sides are stateful', async () => {
    const human = await ruleport('diff', sg, sg2);
    expect(human.code).toBe(0);
    expect(human.stdout).not.toContain('caveat');
    const json = JSON.parse((await ruleport('diff', sg, sg2, '--json')).stdout) as { caveats: unknown[] };
    expect(json.caveats).toEqual([]);
  });

  it('convert NACL → security group is lossy in kind: exit 1 unless --allow-lossy, and says why', async () => {
    const out = join(dir, 'out.json');
    const refused = await ruleport('convert', nacl, '--to', 'aws-sg', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('caveat: the first side, acl-0000000000000000a (aws-nacl), is stateless');
    expect(refused.stderr).toMatch(/^ruleport: lossy in kind: stateless source → stateful result: acl-0000000000000000a admit\(s\) the replies .*--allow-lossy accepts it\)\n$/);
    const accepted = await ruleport('convert', nacl, '--to', 'aws-sg', '--out', out, '--allow-lossy', '--json');
    expect(accepted.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const doc = JSON.parse(accepted.stdout) as { verification: { equivalent: boolean; lossyInKind: string[]; results: { caveats: { stateless: string }[] }[] } };
    expect(doc.verification.equivalent).toBe(true);
    expect(doc.verification.lossyInKind).toEqual(['acl-0000000000000000a']);
    expect(doc.verification.results[0]!.caveats.map((c) => c.stateless)).toEqual(['a']);
  });

  it('convert security group → Halo (both stateful) has no caveat and succeeds', async () => {
    const r = await ruleport('convert', sg, '--to', 'halo', '--out', join(dir, 'halo.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('caveat');
    expect(r.stderr).toBe('');
  });
});
