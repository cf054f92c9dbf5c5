/**
 * Vitest global setup: starts the shared test services once per run and stops them at the end, also when tests
 * fail or the run is interrupted.
 *
 * moto_server (the AWS emulator) is taken from PATH, else from a project-local `.venv`, which is created with
 * `python3 -m venv .venv && .venv/bin/pip install 'moto[server]'` when missing. One server is started per test
 * worker, each on a free loopback port, because test files run in parallel and every test resets its server's
 * state: `motoUrlForWorker()` in test/harness/moto.ts picks the worker's own server. If moto cannot be found or
 * installed, the AWS integration tests are skipped with a message saying why. Runs that select no test using
 * moto start nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/** Startup of a cold moto_server takes 1–3 s; a slow CI machine gets ten times that. */
const START_TIMEOUT_MS = 30_000;
/** More servers than this would cost more memory than parallel test files gain. */
const MAX_SERVERS = 8;

interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = project.config.root;
  if (!(await runNeedsMoto(project))) {
    project.provide('motoUrl', '');
    project.provide('motoUrls', []);
    return async () => {};
  }
  const binary = findOnPath('moto_server') ?? venvBinary(root);
  const servers: Server[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  };
  // A runner that exits without teardown (a crash) must not leave servers behind; Ctrl-C reaches them directly,
  // as they share the runner's process group. Only the pids started here are ever signalled.
  const onExit = (): void => {
    for (const s of servers) void s.stop();
  };
  process.once('exit', onExit);

  let urls: string[] = [];
  const bin = binary ?? installIntoVenv(root);
  if (bin) {
    const count = Math.min(MAX_SERVERS, workerCount(project));
    const started = await Promise.allSettled(Array.from({ length: count }, () => startMoto(bin)));
    for (const r of started) if (r.status === 'fulfilled') servers.push(r.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await stopAll();
      console.warn(`[ruleport tests] moto_server did not start (${(failed.reason as Error).message}): AWS integration tests are skipped`);
    }
    urls = servers.map((s) => s.url);
  }
  project.provide('motoUrl', urls[0] ?? '');
  project.provide('motoUrls', urls);
  return async () => {
    process.off('exit', onExit);
    await stopAll();
    // Said again at the very end, next to the summary: a green run without the AWS tests must not pass unnoticed.
    if (urls.length === 0) console.warn('[ruleport tests] NOTE: the AWS integration tests were SKIPPED (no moto_server; see the warning above)');
  };
}

/**
 * Whether any test file of this run talks to moto: it, or a module it imports from the test tree, uses the
 * harness. Runs of other tests (`vitest run test/unit/engine`) then start no server. When in doubt, yes.
 */
async function runNeedsMoto(project: TestProject): Promise<boolean> {
  try {
    // The CLI file filters of this run: vitest keeps them on an internal field; without it every file counts.
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? project.vitest.config.filters;
    const { testFiles } = await project.globTestFiles(filters);
    const seen = new Set<string>();
    const queue = [...testFiles];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file) || !existsSync(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      if (/harness\/moto\.js|inject\('motoUrls?'\)/.test(text)) return true;
      // Follow relative imports (helpers such as a test folder's world.ts); `.js` specifiers name `.ts` sources.
      for (const m of text.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)) queue.push(resolve(dirname(file), `${m[1]}.ts`));
    }
    return false;
  } catch {
    return true;
  }
}

function workerCount(project: TestProject): number {
  const configured = project.config.maxWorkers || project.vitest.config.maxWorkers;
  if (typeof configured === 'number' && configured > 0) return configured;
  return Math.max(1, cpus().length - 1);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function venvBinary(root: string): string | undefined {
  const bin = join(root, '.venv', 'bin', 'moto_server');
  return existsSync(bin) ? bin : undefined;
}

/** Creates `.venv` and installs moto into it; undefined (with a message) when that is impossible here. */
function installIntoVenv(root: string): string | undefined {
  const venv = join(root, '.venv');
  console.warn(`[ruleport tests] moto_server is not on PATH: installing 'moto[server]' into ${venv} (once)`);
  const python = findOnPath('python3') ?? findOnPath('python');
  if (!python) {
    console.warn('[ruleport tests] no python3 found: AWS integration tests are skipped');
    return undefined;
  }
  const steps: [string, string[]][] = [
    [python, ['-m', 'venv', venv]],
    [join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', 'moto[server]']],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) {
      const why = (r.stderr ?? '').trim().split('\n').pop() ?? r.error?.message ?? `exit ${r.status}`;
      console.warn(`[ruleport tests] installing moto failed (${why}): AWS integration tests are skipped`);
      return undefined;
    }
  }
  return venvBinary(root);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts one server; retries on another port when the chosen one was taken in between. */
async function startMoto(binary: string, tries = 3): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, await freePort());
    } catch (err) {
      if (attempt >= tries) throw err;
    }
  }
}

async function startOnce(binary: string, port: number): Promise<Server> {
  const env = { ...process.env };
  // Tests switch accounts with AssumeRole; a fixed account would defeat that.
  delete env.MOTO_ACCOUNT_ID;
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const server: Server = { url, stop: () => stop(child) };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited early: ${stderr.trim().split('\n').pop() ?? `code ${child.exitCode}`}`);
    }
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        // Keep the runner's stderr free of moto's request log once it is up.
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        await warmUp(url);
        return server;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`no answer on ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

/**
 * moto loads its EC2 backend on the first EC2 request (2–3 s); doing that here keeps the time out of
 * whichever test happens to run first.
 */
async function warmUp(url: string): Promise<void> {
  try {
    await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=DescribeRegions&Version=2016-11-15',
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    // only an optimisation
  }
}

/** SIGTERM the server this setup started, SIGKILL it if it lingers. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
