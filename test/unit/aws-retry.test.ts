/** The pure parts of AWS access: retry policy, error mapping, config files, concurrency, wire permissions. */
import { describe, expect, it } from 'vitest';
import { InputError, RemoteError } from '../../src/model/index.js';
import { ConcurrencyLimits, mapLimited } from '../../src/platforms/aws/concurrency.js';
import { parseIniSection } from '../../src/platforms/aws/config-file.js';
import { toRuleportError } from '../../src/platforms/aws/errors.js';
import { collectPages } from '../../src/platforms/paginate.js';
import { errorFacts, isRetryable } from '../../src/platforms/aws/retry.js';
import { wirePermissions } from '../../src/platforms/aws-sg/client.js';

const sdkError = (name: string, status?: number, message = 'boom') =>
  Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('retry policy', () => {
  it.each([
    ['RequestLimitExceeded', 503, 'read', true],
    ['RequestLimitExceeded', 503, 'write', true],
    ['Throttling', 400, 'write', true],
    ['SomethingNew', 429, 'write', true],
    ['InternalError', 500, 'read', true],
    ['InternalError', 500, 'write', false],
    ['Error', 502, 'read', true],
    ['ECONNRESET', undefined, 'read', true],
    ['ECONNRESET', undefined, 'write', false],
    ['InvalidGroup.NotFound', 400, 'read', false],
    ['UnauthorizedOperation', 403, 'read', false],
  ] as const)('%s (HTTP %s) on a %s is retried: %s', (name, status, kind, expected) => {
    expect(isRetryable(errorFacts(sdkError(name, status)), kind)).toBe(expected);
  });

  it('reads the code from Code, code or name', () => {
    expect(errorFacts({ Code: 'A', name: 'B' }).code).toBe('A');
    expect(errorFacts(Object.assign(new Error('x'), { code: 'ECONNRESET' })).code).toBe('ECONNRESET');
    expect(errorFacts(new Error('x')).code).toBe('Error');
  });
});

describe('error mapping', () => {
  const ctx = { service: 'ec2', call: 'DescribeSecurityGroups', region: 'eu-west-1', kind: 'read' as const };
  it('turns bad ids in a read into an InputError, one line', () => {
    const e = toRuleportError(sdkError('InvalidGroupId.Malformed', 400, 'Invalid id: "sg-zz"\n(expecting "sg-...")'), ctx, 1);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('ec2 DescribeSecurityGroups (eu-west-1): InvalidGroupId.Malformed: Invalid id: "sg-zz"');
  });
  it('names the call and the attempts in a RemoteError', () => {
    const e = toRuleportError(sdkError('RequestLimitExceeded', 503, 'Request limit exceeded.'), ctx, 8);
    expect(e).toBeInstanceOf(RemoteError);
    expect(e.message).toBe('ec2 DescribeSecurityGroups (eu-west-1): RequestLimitExceeded: Request limit exceeded. (gave up after 8 attempts)');
  });
  it('hides unparseable (HTML) bodies behind one line', () => {
    const e = toRuleportError(sdkError('Error', 500, 'XML parse error: mismatched tags\n  Deserialization error: ...'), ctx, 1);
    expect(e.message).toBe('ec2 DescribeSecurityGroups (eu-west-1): Error: unreadable response from the service');
  });
  it('treats a write with bad ids as a remote failure', () => {
    const e = toRuleportError(sdkError('InvalidGroup.NotFound', 400, 'nope'), { ...ctx, call: 'AuthorizeSecurityGroupIngress', kind: 'write' }, 1);
    expect(e).toBeInstanceOf(RemoteError);
  });
  it('calls an unknown host a wrong region or endpoint', () => {
    const e = toRuleportError(Object.assign(new Error('getaddrinfo ENOTFOUND ec2.xx-1.amazonaws.com'), { code: 'ENOTFOUND' }), ctx, 1);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/unknown region or wrong --endpoint-url/);
  });
});

describe('shared config file', () => {
  const text = `
# comment
[default]
region = us-east-1
[profile dev]
region=eu-west-1
mfa_serial = arn:aws:iam::123456789012:mfa/bob
; another comment
[profile  prod]
Role_Arn = arn:aws:iam::123456789012:role/admin
[profile dev]
region = ignored-duplicate
`;
  it('reads the first matching section, keys lower-cased', () => {
    expect(parseIniSection(text, ['profile dev'])).toEqual({ region: 'eu-west-1', mfa_serial: 'arn:aws:iam::123456789012:mfa/bob' });
    expect(parseIniSection(text, ['default'])).toEqual({ region: 'us-east-1' });
    expect(parseIniSection(text, ['profile prod'])).toEqual({ role_arn: 'arn:aws:iam::123456789012:role/admin' });
    expect(parseIniSection(text, ['profile none'])).toEqual({});
  });
});

describe('concurrency limits', () => {
  it('bounds calls per region and in total', async () => {
    const limits = new ConcurrencyLimits({ perRegion: 2, total: 3 });
    const running = new Map<string, number>();
    let total = 0;
    let maxTotal = 0;
    const maxPerRegion = new Map<string, number>();
    const task = (region: string) =>
      limits.run(region, async () => {
        running.set(region, (running.get(region) ?? 0) + 1);
        total++;
        maxTotal = Math.max(maxTotal, total);
        maxPerRegion.set(region, Math.max(maxPerRegion.get(region) ?? 0, running.get(region)!));
        await new Promise((r) => setTimeout(r, 5));
        running.set(region, running.get(region)! - 1);
        total--;
      });
    await Promise.all(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'].map(task));
    expect(maxTotal).toBe(3);
    expect(Math.max(...maxPerRegion.values())).toBe(2);
  });

  it('maps with bounded concurrency, keeping order', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 3, 2], 2, async (n) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, n));
      active--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20]);
    expect(peak).toBe(2);
  });
});

describe('pagination', () => {
  it('follows NextToken to the end', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = { '': { items: [1, 2], next: 'a' }, a: { items: [3], next: 'b' }, b: { items: [] } };
    expect(await collectPages('ec2', 'X', async (t) => ({ items: pages[t ?? '']!.items, next: pages[t ?? '']!.next }))).toEqual([1, 2, 3]);
  });
  it('stops a service that repeats a token', async () => {
    await expect(collectPages('ec2', 'X', async () => ({ items: [1], next: 'same' }))).rejects.toThrowError(
      'ec2 X: pagination returned the same next-page token twice',
    );
  });
});

describe('wire permissions', () => {
  it('adds -1 ports to protocols without ports, drops empty lists and empty permissions', () => {
    expect(
      wirePermissions([
        { IpProtocol: '50', IpRanges: [{ CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
        { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        { IpProtocol: 'tcp', FromPort: 1, ToPort: 2, IpRanges: [] },
      ]),
    ).toEqual([
      { IpProtocol: '50', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
    ]);
  });
});
