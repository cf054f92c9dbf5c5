/**
 * Throttling and server errors, injected by a small local proxy in front of moto that answers chosen requests
 * the way EC2 does (HTTP 503 RequestLimitExceeded, HTTP 500 InternalError) and forwards the rest.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/model/index.js';
import type { AwsSession } from '../../../src/platforms/aws/session.js';
import { authorizePermissions, createSecurityGroup, describeSecurityGroups } from '../../../src/platforms/aws-sg/client.js';
import { motoSession, motoUrlForWorker, resetMoto } from '../../harness/moto.js';
import { createVpc } from './world.js';

const url = motoUrlForWorker();

const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ruleport-test</RequestID></Response>`;

/** How the proxy answers: per EC2 action, a queue of injected failures (consumed in order) before forwarding. */
const inject = new Map<string, ('throttle' | 'internal')[]>();
const seen: string[] = [];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

describe.skipIf(!url)('retries against a throttling proxy in front of moto', () => {
  let proxy: Server;
  let proxyUrl: string;
  let session: AwsSession;
  let delays: number[];
  let log: string[];

  beforeAll(async () => {
    const target = new URL(url);
    proxy = createServer((req, res) => {
      void readBody(req).then((body) => {
        const action = /(?:^|&)Action=([^&]+)/.exec(body.toString('utf8'))?.[1] ?? '';
        seen.push(action);
        const next = inject.get(action)?.shift();
        if (next === 'throttle') {
          res.writeHead(503, { 'content-type': 'text/xml' }).end(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
          return;
        }
        if (next === 'internal') {
          res.writeHead(500, { 'content-type': 'text/xml' }).end(ec2Error('InternalError', 'An internal error has occurred'));
          return;
        }
        const fwd = request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        fwd.on('error', () => res.writeHead(502).end());
        fwd.end(body);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  beforeEach(async () => {
    await resetMoto(url);
    inject.clear();
    seen.length = 0;
    delays = [];
    log = [];
    session = motoSession(proxyUrl, {
      maxAttempts: 5,
      retry: { baseDelayMs: 100, maxDelayMs: 1000 },
      sleep: async (ms) => {
        delays.push(ms);
      },
      log: (line) => log.push(line),
    });
  });
  afterEach(() => session.destroy());

  it('retries a throttled read with jittered exponential backoff until it succeeds', async () => {
    const ec2 = session.ec2('us-east-1');
    inject.set('DescribeSecurityGroups', ['throttle', 'throttle', 'throttle']);
    const before = session.callCount;
    const groups = await describeSecurityGroups(ec2);
    expect(groups.map((g) => g.GroupName)).toEqual(['default']);
    expect(session.callCount - before).toBe(4);
    expect(seen.filter((a) => a === 'DescribeSecurityGroups')).toHaveLength(4);
    // Full jitter: each delay lies in [0, min(cap, base·2^(n-1))).
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(1000, 100 * 2 ** i));
    });
    expect(log[0]).toMatch(/^ec2 DescribeSecurityGroups \(us-east-1\): RequestLimitExceeded, retry 2\/5 in \d+ ms$/);
  });

  it('retries a throttled write (a throttled request was never applied)', async () => {
    const ec2 = session.ec2('us-east-1');
    const vpcId = await createVpc(ec2);
    const id = await createSecurityGroup(ec2, { name: 'g', description: 'g', vpcId });
    inject.set('AuthorizeSecurityGroupIngress', ['throttle']);
    await authorizePermissions(ec2, id, 'ingress', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }]);
    const [g] = await describeSecurityGroups(ec2, { groupIds: [id] });
    expect(g!.IpPermissions).toHaveLength(1);
    expect(seen.filter((a) => a === 'AuthorizeSecurityGroupIngress')).toHaveLength(2);
  });

  it('retries a read after a server error, but never a write', async () => {
    const ec2 = session.ec2('us-east-1');
    inject.set('DescribeSecurityGroups', ['internal']);
    await describeSecurityGroups(ec2);
    expect(seen.filter((a) => a === 'DescribeSecurityGroups')).toHaveLength(2);

    const vpcId = await createVpc(ec2);
    inject.set('CreateSecurityGroup', ['internal']);
    const write = createSecurityGroup(ec2, { name: 'g', description: 'g', vpcId });
    await expect(write).rejects.toThrowError(RemoteError);
    await expect(write).rejects.toThrowError('ec2 CreateSecurityGroup (us-east-1): InternalError: An internal error has occurred');
    expect(seen.filter((a) => a === 'CreateSecurityGroup')).toHaveLength(1);
  });

  it('gives up after maxAttempts with one line naming the call', async () => {
    const impatient = motoSession(proxyUrl, { maxAttempts: 2, retry: { baseDelayMs: 1 } });
    try {
      inject.set('DescribeSecurityGroups', ['throttle', 'throttle', 'throttle']);
      const call = describeSecurityGroups(impatient.ec2('us-east-1'));
      await expect(call).rejects.toThrowError(RemoteError);
      await expect(call).rejects.toThrowError(
        /^ec2 DescribeSecurityGroups \(us-east-1\): RequestLimitExceeded: Request limit exceeded\. \(gave up after 2 attempts\)$/,
      );
      expect(seen.filter((a) => a === 'DescribeSecurityGroups')).toHaveLength(2);
    } finally {
      impatient.destroy();
    }
  });
});
