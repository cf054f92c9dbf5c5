/** A private moto_server for benchmarks that need AWS (tests use the harness in test/harness instead). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  readonly url: string;
  stop(): Promise<void>;
}

/** A private moto_server on a free loopback port (from PATH), for one benchmark; `stop` ends it. */
export async function startMoto(): Promise<Moto> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
  const env = { ...process.env };
  delete env.MOTO_ACCOUNT_ID;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('moto_server did not start (is it on PATH?)');
}

/** Two decimals: what a benchmark table shows. */
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
