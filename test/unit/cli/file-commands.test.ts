/**
 * `show`, `check`, `diff` and `lint` on files, as a user runs them: the bundled examples and small policies written
 * here by hand, with every expected verdict, deciding rule and finding worked out by hand from the rules. Then bad
 * input: each mistake is one line on stderr naming the file, object and field, exit 2, and no stack trace
 * unless --debug.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleportOffline as ruleport } from '../../helpers/run-cli.js';

const SGS = 'examples/sgs.json';
const NACLS = 'examples/nacls.json';

const group = (id: string, ingress: unknown[], egress: unknown[] = []) => ({
  GroupId: id,
  GroupName: id,
  Description: 'hand-written',
  VpcId: 'vpc-0123456789abcdef0',
  OwnerId: '123456789012',
  IpPermissions: ingress,
  IpPermissionsEgress: egress,
});
const tcp = (from: number, to: number, cidr: string) => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [{ CidrIp: cidr }] });
const entry = (n: number, action: string, protocol: string, cidr: string, ports?: [number, number], egress = false) => ({
  RuleNumber: n,
  Egress: egress,
  RuleAction: action,
  Protocol: protocol,
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
});

describe('CLI on files', () => {
  let dir: string;
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('show', () => {
    it('says so when a location holds no policy', async () => {
      const empty = file('empty.json', { SecurityGroups: [] });
      const r = await ruleport('show', empty);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${empty}: no policies\n`);
      expect(JSON.parse((await ruleport('show', empty, '--json')).stdout)).toEqual({ policies: [] });
    });

    it('prints a table per policy, and --json the canonical policies', async () => {
      const table = await ruleport('show', SGS);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^web {2}\(aws-sg, allow-set, stateful, default deny in \/ deny out\)$/m);
      expect(table.stdout).toMatch(/^app /m);
      expect(table.stdout).toMatch(/^db /m);
      const json = JSON.parse((await ruleport('show', `${NACLS}#acl-0a1b2c3d4e5f60001`, '--json')).stdout) as {
        policies: { name: string; evaluation: string; stateful: boolean; rules: { direction: string; action: string }[] }[];
      };
      expect(json.policies).toHaveLength(1);
      const [acl] = json.policies;
      expect([acl!.name, acl!.evaluation, acl!.stateful]).toEqual(['acl-0a1b2c3d4e5f60001', 'first-match', false]);
      // Five ingress and three egress entries; the `*` entries are the defaults, not rules.
      expect(acl!.rules.map((r) => `${r.direction} ${r.action}`)).toEqual([
        'ingress deny', 'ingress allow', 'ingress allow', 'ingress allow', 'ingress allow', 'egress allow', 'egress allow', 'egress allow',
      ]);
    });
  });

  describe('check', () => {
    it.each([
      // web: 443 from anywhere (v4 and v6), 22 from 203.0.113.0/24, ICMP type 8 (any code) from 10.0.0.0/16.
      ['web', 'tcp 203.0.113.9 -> 10.0.1.5:443', 'ingress', true, 0],
      ['web', 'tcp 203.0.113.9 -> 10.0.1.5:22', 'ingress', true, 2],
      ['web', 'tcp 198.51.100.9 -> 10.0.1.5:22', 'ingress', false, undefined],
      ['web', 'tcp [2001:db8::1] -> [2001:db8::2]:443', 'ingress', true, 1],
      ['web', 'icmp 8/3 10.0.3.3 -> 10.0.1.5', 'ingress', true, 3],
      ['web', 'icmp 0/0 10.0.3.3 -> 10.0.1.5', 'ingress', false, undefined],
      ['web', 'icmp 8/0 10.1.0.1 -> 10.0.1.5', 'ingress', false, undefined],
      // app: udp 53 to the VPC resolver is an egress rule; the same packet inbound is not allowed.
      ['app', 'udp 10.0.1.5 -> 10.0.0.2:53', 'egress', true, 3],
      ['app', 'udp 10.0.1.5 -> 10.0.0.2:53', 'ingress', false, undefined],
    ] as const)('%s: %s (%s) → allowed %s by rule %s', async (name, flow, direction, allowed, ruleIndex) => {
      const r = await ruleport('check', `${SGS}#${name}`, '--flow', flow, '--direction', direction, '--json');
      expect(r.code).toBe(allowed ? 0 : 1);
      const out = JSON.parse(r.stdout) as { allowed: boolean; byDefault: boolean; ruleIndex?: number };
      expect(out.allowed).toBe(allowed);
      expect(out.ruleIndex).toBe(ruleIndex);
      expect(out.byDefault).toBe(ruleIndex === undefined);
    });

    it('first match on a NACL: the deny at 100 decides before the allow at 110', async () => {
      const denied = await ruleport('check', NACLS, '--flow', 'tcp 198.51.100.7 -> 10.0.1.5:22');
      expect(denied.code).toBe(1);
      expect(denied.stdout).toMatch(/^DENIED {2}tcp 198\.51\.100\.7 -> 10\.0\.1\.5:22 {2}by #1 \[100\] /);
      const allowed = await ruleport('check', NACLS, '--flow', 'tcp 192.0.2.7 -> 10.0.1.5:22');
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toMatch(/^ALLOWED {2}tcp 192\.0\.2\.7 -> 10\.0\.1\.5:22 {2}by #2 \[110\] /);
    });

    it('a pattern (no port) is allowed, denied or partly allowed', async () => {
      const sg = file('pattern.json', { SecurityGroups: [group('sg-00000000000000001', [tcp(0, 65535, '10.0.0.0/8'), tcp(443, 443, '0.0.0.0/0')])] });
      const all = await ruleport('check', sg, '--flow', 'tcp 10.9.9.9 -> 10.0.1.5', '--json');
      expect([all.code, (JSON.parse(all.stdout) as { verdict: string }).verdict]).toEqual([0, 'all']);
      const none = await ruleport('check', sg, '--flow', 'udp 10.9.9.9 -> 10.0.1.5', '--json');
      expect([none.code, (JSON.parse(none.stdout) as { verdict: string }).verdict]).toEqual([1, 'none']);
      const some = await ruleport('check', sg, '--flow', 'tcp 192.0.2.1 -> 10.0.1.5');
      expect(some.code).toBe(1);
      // From outside 10/8 only 443 is open: the denied part is 0-442 and 444-65535.
      expect(some.stdout.split('\n').filter((l) => l.startsWith('  denied:')).map((l) => /tcp (\S+) from/.exec(l)![1])).toEqual(['0-442', '444-65535']);
      expect(some.stdout).not.toContain('more denied flows not listed');
    });

    it('says when more of a pattern is denied than it lists', async () => {
      // Of "any protocol" from 1.2.3.4, web allows only tcp 443: far more than five denied regions.
      const r = await ruleport('check', `${SGS}#web`, '--flow', 'any 1.2.3.4 -> 10.0.1.5');
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('  denied:'))).toHaveLength(5);
      expect(r.stdout).toContain('  … more denied flows not listed\n');
      const json = JSON.parse((await ruleport('check', `${SGS}#web`, '--flow', 'any 1.2.3.4 -> 10.0.1.5', '--json')).stdout) as { verdict: string; deniedTruncated: boolean };
      expect([json.verdict, json.deniedTruncated]).toEqual(['some', true]);
    });
  });

  describe('diff', () => {
    it('equal: exit 0 and "equivalent": true; different: exit 1 with the flows only one side allows', async () => {
      const same = await ruleport('diff', `${SGS}#web`, `${SGS}#sg-0a1b2c3d4e5f60001`, '--json');
      expect(same.code).toBe(0);
      expect((JSON.parse(same.stdout) as { equivalent: boolean }).equivalent).toBe(true);
      const a = file('a.json', { SecurityGroups: [group('sg-0000000000000000a', [tcp(22, 22, '10.0.0.0/16')])] });
      const b = file('b.json', { SecurityGroups: [group('sg-0000000000000000b', [tcp(22, 22, '10.0.0.0/17')])] });
      const human = await ruleport('diff', a, b);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/^different: /);
      // 10.0.0.0/16 less 10.0.0.0/17 is exactly 10.0.128.0/17.
      expect(human.stdout).toContain('only sg-0000000000000000a allows: ingress IPv4 tcp 22 from 10.0.128.0/17 to any');
      expect(human.stdout).not.toContain('only sg-0000000000000000b allows');
      const json = JSON.parse((await ruleport('diff', a, b, '--json')).stdout) as { equivalent: boolean; onlyA: unknown[]; onlyB: unknown[] };
      expect([json.equivalent, json.onlyA.length, json.onlyB.length]).toEqual([false, 1, 0]);
      // In rule terms, not engine coordinates.
      expect(json.onlyA[0]).toEqual({
        direction: 'ingress',
        ipVersion: 4,
        protocols: [6, 6],
        ports: [22, 22],
        from: ['10.0.128.0/17'],
        to: ['0.0.0.0/0'],
        example: { direction: 'ingress', protocol: 6, src: '10.0.128.0', dst: '0.0.0.0', port: 22 },
        text: 'ingress IPv4 tcp 22 from 10.0.128.0/17 to any  e.g. tcp 10.0.128.0 -> 0.0.0.0:22',
      });
    });

    it('adjacent port ranges and two halves of a CIDR are the same flows as the merged rule', async () => {
      const split = file('split.json', {
        SecurityGroups: [group('sg-00000000000000011', [tcp(80, 89, '10.0.0.0/25'), tcp(90, 100, '10.0.0.0/25'), tcp(80, 100, '10.0.0.128/25')])],
      });
      const merged = file('merged.json', { SecurityGroups: [group('sg-00000000000000012', [tcp(80, 100, '10.0.0.0/24')])] });
      expect((await ruleport('diff', split, merged)).code).toBe(0);
    });

    it('--map-group pairs group ids across accounts of an export (references carry their owner)', async () => {
      // The same three groups under other ids: app references web and db, so it is equal under both mappings only.
      const text = readFileSync(SGS, 'utf8').replaceAll('sg-0a1b2c3d4e5f6000', 'sg-0f0f0f0f0f0f0000');
      const copy = file('copy.json', text);
      const web = '--map-group=sg-0a1b2c3d4e5f60001=sg-0f0f0f0f0f0f00001';
      const db = '--map-group=sg-0a1b2c3d4e5f60003=sg-0f0f0f0f0f0f00003';
      expect((await ruleport('diff', `${SGS}#app`, `${copy}#app`)).code).toBe(1);
      expect((await ruleport('diff', `${SGS}#app`, `${copy}#app`, web)).code).toBe(1);
      expect((await ruleport('diff', `${SGS}#app`, `${copy}#app`, web, db)).code).toBe(0);
      // Written with the owner account, the target means the same.
      expect((await ruleport('diff', `${SGS}#app`, `${copy}#app`, `${web}@123456789012`, `${db}@123456789012`)).code).toBe(0);
    });

    it('says each differing region in rule terms: whole ICMP types, references named, IPv6 not cut at IPv4 bounds', async () => {
      // Worked by hand from examples/sgs.json#web and examples/nacls.json (egress): the NACL allows tcp 1024-65535
      // to anyone in both families; web allows egress only tcp 8080 to group app. At 8080 the NACL's extra flows
      // are every address except app's members; ping (type 8, every code) from 10.0.0.0/16 is web's alone.
      const r = await ruleport('diff', `${SGS}#web`, `${NACLS}#acl-0a1b2c3d4e5f60001`);
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n').map((l) => l.replace(/  e\.g\. .*$/, ''));
      expect(lines).toContain('  only web allows: ingress IPv4 icmp 8/* from 10.0.0.0/16 to any');
      expect(lines).toContain('  only acl-0a1b2c3d4e5f60001 allows: egress IPv6 tcp 8080 from any to any address but the referenced groups');
      expect(lines).toContain('  only acl-0a1b2c3d4e5f60001 allows: egress IPv6 tcp 8081-65535 from any to any');
      // tcp 22 from everywhere but the office's 198.51.100.0/24 (the NACL's deny) and web's own 203.0.113.0/24;
      // the last stretch holds app's reference too, since a whole-family rule covers referenced groups.
      expect(lines).toContain(
        '  only acl-0a1b2c3d4e5f60001 allows: ingress IPv4 tcp 22 from 203.0.114.0 - 255.255.255.255, @sg-0a1b2c3d4e5f60002@123456789012 to any',
      );
      expect(lines.filter((l) => l.includes('egress IPv6'))).toHaveLength(3);
    });

    it('a file of several policies needs a selector: exit 2', async () => {
      const r = await ruleport('diff', SGS, `${SGS}#web`);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`ruleport: ${SGS}: holds 3 policies (sg-0a1b2c3d4e5f60001, sg-0a1b2c3d4e5f60002, sg-0a1b2c3d4e5f60003): pick one with #selector\n`);
    });
  });

  describe('lint', () => {
    it('the bundled security groups are clean (exit 0)', async () => {
      const r = await ruleport('lint', SGS, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ clean: true, findings: [] });
    });

    it('finds shadowed (by the union of earlier rules), redundant and risky rules', async () => {
      const acl = file('lint-acl.json', {
        NetworkAcls: [
          {
            NetworkAclId: 'acl-0000000000000000c',
            VpcId: 'vpc-0123456789abcdef0',
            IsDefault: false,
            Associations: [],
            Entries: [
              entry(100, 'allow', '6', '10.0.0.0/8', [80, 89]),
              entry(110, 'allow', '6', '10.0.0.0/8', [90, 100]),
              // 85-95 from 10.1/16 is inside 100 ∪ 110, neither alone: it never decides.
              entry(120, 'deny', '6', '10.1.0.0/16', [85, 95]),
              entry(130, 'allow', '6', '192.168.0.0/16', [22, 22]),
              // It decides 23, but the default would deny it anyway.
              entry(140, 'deny', '6', '0.0.0.0/0', [23, 23]),
              entry(150, 'allow', '-1', '::/0'),
              entry(32767, 'deny', '-1', '0.0.0.0/0'),
              entry(32768, 'deny', '-1', '::/0'),
              entry(100, 'allow', '-1', '0.0.0.0/0', undefined, true),
              entry(32767, 'deny', '-1', '0.0.0.0/0', undefined, true),
            ],
          },
        ],
      });
      const sg = file('lint-sg.json', {
        SecurityGroups: [
          group('sg-0000000000000000d', [
            { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
            tcp(80, 80, '10.0.0.0/8'),
            tcp(80, 80, '10.1.0.0/16'),
            { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ]),
        ],
      });
      type Findings = { clean: boolean; findings: { rule: number; ruleId?: string; kind: string }[] };
      const onAcl = await ruleport('lint', acl, '--json');
      expect(onAcl.code).toBe(1);
      expect((JSON.parse(onAcl.stdout) as Findings).findings.map((f) => [f.rule, f.ruleId, f.kind])).toEqual([
        [3, '120', 'shadowed'],
        [5, '140', 'redundant'],
        [6, '150', 'risky'],
      ]);
      const onSg = JSON.parse((await ruleport('lint', sg, '--json')).stdout) as Findings;
      const kinds = onSg.findings.map((f) => [f.rule, f.kind]);
      expect(kinds).toContainEqual([1, 'risky']);
      expect(kinds).toContainEqual([4, 'risky']);
      // 80 from 10.1/16 adds nothing to 80 from 10/8 (the wider rule is still needed): only the narrower one is flagged.
      expect(kinds.filter(([, k]) => k !== 'risky').map(([i]) => i)).toEqual([3]);
      const table = await ruleport('lint', sg);
      expect(table.stdout).toMatch(/remote administration \(3389\) open to the internet/);
      expect(table.stdout).toMatch(/all udp ports open to the internet/);
    });
  });

  describe('bad input: one line naming file, object and field, exit 2', () => {
    const sgWith = (perm: unknown) => ({ SecurityGroups: [group('sg-0123456789abcdef0', [perm])] });
    it.each([
      ['malformed JSON', () => ['show', file('trunc.json', '{"SecurityGroups": [')], /^ruleport: \S*trunc\.json: malformed JSON: /],
      ['an unknown shape', () => ['show', file('unknown.json', { Foo: 1 })], /^ruleport: \S*unknown\.json: unknown format \(expected one of: aws-sg, aws-nacl, halo, panos\)$/],
      [
        'an invalid CIDR',
        () => ['show', file('cidr.json', sgWith(tcp(22, 22, '10.0.0.300/24')))],
        /^ruleport: \S*cidr\.json: SecurityGroups\[0\] \(sg-0123456789abcdef0\) IpPermissions\[0\]: IpRanges\[0\]\.CidrIp: invalid CIDR "10\.0\.0\.300\/24"$/,
      ],
      [
        'an out-of-range port',
        () => ['lint', file('port.json', sgWith(tcp(22, 70000, '10.0.0.0/24')))],
        /^ruleport: \S*port\.json: SecurityGroups\[0\] \(sg-0123456789abcdef0\) IpPermissions\[0\]: ToPort: port 70000 out of range 0\.\.65535$/,
      ],
      ['a selector that matches nothing', () => ['check', `${SGS}#sg-nope`, '--flow', 'tcp 1.2.3.4 -> 10.0.0.1:22'], /^ruleport: examples\/sgs\.json: #sg-nope: selector matches no policy /],
      ['a missing file', () => ['diff', join(dir, 'missing.json'), `${SGS}#web`], /^ruleport: \S*missing\.json: no such file$/],
      ['an unknown flag', () => ['show', SGS, '--bogus'], /^ruleport: unknown option '--bogus'$/],
      ['an unknown command, with a suggestion on the same line', () => ['shwo', SGS], /^ruleport: unknown command 'shwo' \(Did you mean show\?\)$/],
      ['a malformed flow', () => ['check', `${SGS}#web`, '--flow', 'tcp 1.2.3.999 -> 10.0.0.1:22'], /^ruleport: --flow: invalid source address "1\.2\.3\.999"$/],
      ['a flow mixing IPv4 and IPv6', () => ['check', `${SGS}#web`, '--flow', 'tcp 1.2.3.4 -> [::1]:22'], /^ruleport: --flow: source 1\.2\.3\.4 is IPv4 but destination ::1 is IPv6$/],
      ['a bad direction', () => ['check', `${SGS}#web`, '--flow', 'tcp 1.2.3.4 -> 10.0.0.1:22', '--direction', 'in'], /^ruleport: --direction: expected ingress or egress, got "in"$/],
    ])('%s', async (_what, args, line) => {
      const r = await ruleport(...args());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2); // one line, then the final newline
      expect(r.stderr.split('\n')[0]).toMatch(line);
    });

    it('--debug adds the stack', async () => {
      const r = await ruleport('show', file('trunc2.json', '{'), '--debug');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^ruleport: \S*trunc2\.json: malformed JSON: .*\nInputError: .*\n\s+at /);
    });
  });
});
