/**
 * The Lambda bundle (`npm run package:lambda`) invoked in a fresh Node process with an S3 notification naming two
 * CloudTrail log objects stored in moto's S3: every object and every record is read, duplicates across objects
 * collapse, and the run converges the simulated firewall with one commit. The firewall's key comes from Secrets
 * Manager (moto's) and appears nowhere in what the function prints.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizeIngress, failed, instancesCall, logFile, logKey, s3Notification } from '../../helpers/cloudtrail.js';
import { motoUrlForWorker } from '../../harness/moto.js';
import { authorize, buildWorld, simKey, commits, runInstance, runningRuleNames, tcpFrom, type World } from './world.js';

const motoUrl = motoUrlForWorker();
const root = resolve(import.meta.dirname, '../../..');

/** Handler processes still running (killed after each test, should one hang). */
const children = new Set<ChildProcess>();

/** Runs the handler in a new Node process; resolves with its result (the last stdout line it prints). */
function invoke(bundle: string, event: unknown, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const script = `require(${JSON.stringify(bundle)}).handler(JSON.parse(process.argv[1])).then((r) => { console.log('RESULT ' + JSON.stringify(r)); }, (e) => { console.error(e.message); process.exit(1); });`;
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify(event)], { env: { PATH: process.env.PATH ?? '', ...env } });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe.skipIf(!motoUrl)('sync panos: Lambda handler', () => {
  let bundleDir: string;
  let taskDir: string | undefined;
  let w: World;
  afterAll(() => {
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'ruleport-lambda-'));
    await promisify(execFile)(process.execPath, [join(root, 'deploy', 'package-lambda.mjs'), '--out', bundleDir], { cwd: root });
  });
  beforeEach(async () => {
    w = await buildWorld(motoUrl);
  });
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await w?.sim.close();
    w?.session.destroy();
    if (taskDir) rmSync(taskDir, { recursive: true, force: true });
    taskDir = undefined;
  });

  it('reads both log objects of one S3 notification and commits once', async () => {
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    const start = instancesCall('StartInstances', [id]);
    const auth = authorizeIngress(w.webGroup, 443, '0.0.0.0/0');
    const s3 = new S3Client({ region: 'us-east-1', endpoint: motoUrl, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'trail-logs', Key: logKey(1), Body: logFile([start, failed(authorizeIngress(w.webGroup, 22, '0.0.0.0/0'))]) }));
    // The second object repeats the first call (CloudTrail delivers duplicates) and adds another.
    await s3.send(new PutObjectCommand({ Bucket: 'trail-logs', Key: logKey(2), Body: logFile([auth, start]) }));
    s3.destroy();
    const key = await simKey(w);
    const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await sm.send(new CreateSecretCommand({ Name: 'firewall/api-key', SecretString: key }));
    sm.destroy();

    const dir = mkdtempSync(join(tmpdir(), 'ruleport-lambda-task-'));
    taskDir = dir;
    writeFileSync(
      join(dir, 'ruleport.yaml'),
      `firewall:\n  location: panos:${w.sim.url}/vsys1\n  zones: { untrust: untrust, trust: trust }\n  bottom-rule: Clean up\naws:\n  regions: [us-east-1]\n  firewall-instances: { ${w.vpcId}: ${w.firewallId} }\n`,
    );
    const result = await invoke(join(bundleDir, 'bundle', 'index.js'), s3Notification('trail-logs', [logKey(1), logKey(2)]), {
      LAMBDA_TASK_ROOT: dir,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: motoUrl,
      PANOS_API_KEY_SECRET: 'firewall/api-key',
    });
    expect(result.code, result.err).toBe(0);
    const line = result.out.split('\n').find((l) => l.startsWith('RESULT '))!;
    expect(JSON.parse(line.slice('RESULT '.length))).toMatchObject({ ran: true, objects: 2, calls: 2, duplicates: 1, registered: 1, unregistered: 0 });
    expect(commits(w.sim)).toBe(1);
    expect(runningRuleNames(w.sim).filter((n) => n.startsWith('rp-sg-'))).toHaveLength(2);
    expect(w.sim.registeredIps().map((r) => r.tags)).toEqual([[w.webGroup]]);
    // No secret in what the function logs.
    expect(key.length).toBeGreaterThan(8);
    expect(result.out + result.err).not.toContain(key);
  });
});
