/**
 * Standalone entry point: `node dist/sim/panos/main.js [--port 8443] [--config running.xml] …`.
 * Prints the URL, logs one line per API call to stderr, and stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPanosSim, type PanosSimOptions } from './index.js';

const USAGE = `usage: main.js [--port N] [--host ADDR] [--config FILE] [--tls-key FILE --tls-cert FILE]
               [--user NAME:PASSWORD]... [--commit-ms N] [--hostname NAME] [--quiet]`;

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function users(specs: readonly string[]): Record<string, string> | undefined {
  if (specs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    if (colon <= 0) usage(`--user needs NAME:PASSWORD, got '${spec}'`);
    out[spec.slice(0, colon)] = spec.slice(colon + 1);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      user: { type: 'string', multiple: true },
      'commit-ms': { type: 'string' },
      hostname: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const number = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text)) usage(`${flag} must be a non-negative integer`);
    return Number(text);
  };
  if ((values['tls-key'] === undefined) !== (values['tls-cert'] === undefined)) usage('--tls-key and --tls-cert go together');
  const port = number(values.port, '--port');
  const commitDurationMs = number(values['commit-ms'], '--commit-ms');
  const userMap = users(values.user ?? []);
  const options: PanosSimOptions = {
    ...(port === undefined ? {} : { port }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.config === undefined ? {} : { config: readFileSync(values.config, 'utf8') }),
    ...(values['tls-key'] === undefined || values['tls-cert'] === undefined
      ? {}
      : { tls: { key: readFileSync(values['tls-key'], 'utf8'), cert: readFileSync(values['tls-cert'], 'utf8') } }),
    ...(userMap === undefined ? {} : { users: userMap }),
    ...(commitDurationMs === undefined ? {} : { commitDurationMs }),
    ...(values.hostname === undefined ? {} : { hostname: values.hostname }),
    ...(values.quiet === true ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
  };
  const sim = await startPanosSim(options);
  process.stdout.write(`PAN-OS simulator listening on ${sim.url}/api/\n`);
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
