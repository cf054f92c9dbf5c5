/**
 * `ruleport sim panos|halo`: runs a simulator of the PAN-OS XML API or the Halo REST API in the foreground, so that
 * ruleport can be tried without a firewall or a Halo account. Prints where it listens and the credentials it
 * accepts; stops on Ctrl-C (SIGINT) or SIGTERM. The only place src/ starts sim/.
 */
import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { SeedError, parseSeed, startHaloSim } from '../../../sim/halo/index.js';
import { startPanosSim } from '../../../sim/panos/index.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { readInputFile } from '../../platforms/read-input.js';

interface SimFlags extends GlobalOptions {
  readonly port: string;
  readonly host: string;
  readonly config?: string;
  readonly seed?: string;
  readonly account?: string[];
  readonly tlsKey?: string;
  readonly tlsCert?: string;
  readonly commitMs?: string;
  readonly quiet?: boolean;
}

const repeat = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerSim(program: Command, env: CommandEnv): void {
  const sim = program.command('sim').description('run a PAN-OS or Halo API simulator to try ruleport without a device (Ctrl-C stops it)');
  sim
    .command('panos')
    .description('PAN-OS XML API simulator: keys, candidate/running config, commit jobs, User-ID, test security-policy-match')
    .option('--port <n>', 'TCP port (0: any free port)', '8443')
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--config <file>', 'running-config.xml to start from (default: a fresh device with trust/untrust zones)')
    .option('--account <name:password>', 'an administrator that can generate keys (repeatable; default admin:admin)', repeat)
    .option('--tls-key <file>', 'PEM key: serve HTTPS (with --tls-cert)')
    .option('--tls-cert <file>', 'PEM certificate for --tls-key')
    .option('--commit-ms <n>', 'how long each commit job runs', '2000')
    .option('--quiet', 'no line per API call')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<SimFlags>();
      const accounts = parseAccounts(o.account ?? ['admin:admin']);
      const tls = await tlsFiles(o);
      const started = await startPanosSim({
        port: port(o.port),
        host: o.host,
        users: accounts,
        commitDurationMs: nonNegative(o.commitMs ?? '2000', '--commit-ms'),
        ...(o.config !== undefined ? { config: await readInputFile(o.config) } : {}),
        ...(tls ? { tls } : {}),
        ...(o.quiet ? {} : { log: (line: string) => env.io.stderr.write(`${line}\n`) }),
      }).catch((e: unknown) => {
        throw new InputError({ object: 'sim panos' }, (e as Error).message);
      });
      const [user, password] = Object.entries(accounts)[0]!;
      const loc = `panos:${started.url}`;
      env.io.stdout.write(
        [
          `PAN-OS simulator listening on ${started.url}/api/`,
          `administrators (keygen): ${Object.keys(accounts).join(', ')}`,
          `try: PANOS_PASSWORD=${password} ruleport show ${loc} --user ${user}${tls ? ' --ca-file <your --tls-cert>' : ''}`,
          'Ctrl-C stops it',
          '',
        ].join('\n'),
      );
      await untilStopped();
      await started.close();
    });
  sim
    .command('halo')
    .description('Halo REST API simulator: firewall policies, server groups, servers, scans')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--seed <file>', 'JSON with objects and keys to preload (see sim/halo/README.md)')
    .option('--quiet', 'no line per API call')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<SimFlags>();
      let seed;
      if (o.seed !== undefined) {
        const text = await readInputFile(o.seed);
        try {
          seed = parseSeed(JSON.parse(text));
        } catch (e) {
          const why = e instanceof SeedError || e instanceof SyntaxError ? e.message.split('\n')[0] : String(e);
          throw new InputError({ file: o.seed }, why ?? 'invalid seed');
        }
      }
      const started = await startHaloSim({
        port: port(o.port),
        host: o.host,
        ...(seed ? { seed } : {}),
        ...(o.quiet ? {} : { log: (line: string) => env.io.stderr.write(`${line}\n`) }),
      }).catch((e: unknown) => {
        throw new InputError({ object: 'sim halo' }, (e as Error).message);
      });
      const { full, readOnly } = started.keys;
      env.io.stdout.write(
        [
          `Halo simulator listening on ${started.url}`,
          `full-access key: ${full.keyId} / ${full.secret}`,
          `read-only key:   ${readOnly.keyId} / ${readOnly.secret}`,
          `try: HALO_API_KEY_ID=${full.keyId} HALO_API_SECRET_KEY=${full.secret} ruleport show halo: --halo-url ${started.url}`,
          'Ctrl-C stops it',
          '',
        ].join('\n'),
      );
      await untilStopped();
      await started.close();
    });
}

function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parseAccounts(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    if (colon <= 0 || colon === spec.length - 1) throw new InputError({ field: '--account' }, 'expected NAME:PASSWORD');
    out[spec.slice(0, colon)] = spec.slice(colon + 1);
  }
  return out;
}

async function tlsFiles(o: SimFlags): Promise<{ key: string; cert: string } | undefined> {
  if (o.tlsKey === undefined && o.tlsCert === undefined) return undefined;
  if (o.tlsKey === undefined || o.tlsCert === undefined) throw new InputError({ field: o.tlsKey === undefined ? '--tls-key' : '--tls-cert' }, '--tls-key and --tls-cert go together');
  return { key: await readInputFile(o.tlsKey), cert: await readInputFile(o.tlsCert) };
}

function port(text: string): number {
  const n = nonNegative(text, '--port');
  if (n > 65535) throw new InputError({ field: '--port' }, `${n} is not a TCP port`);
  return n;
}

function nonNegative(text: string, field: string): number {
  if (!/^\d+$/.test(text)) throw new InputError({ field }, `expected a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}
