/**
 * The CLI as a function: parse argv, run one command, map errors to documented exit codes and one line
 * on stderr (a stack only with --debug). Tests call it in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, RuleportError } from '../model/index.js';
import type { WorkflowContext } from '../workflows/context.js';
import type { CommandEnv, GlobalOptions } from './command-env.js';
import { COMMANDS } from './commands/index.js';
import type { Io } from './io.js';
import { printableLine, printableText } from './printable.js';
import { terminalPrompt } from './terminal-prompt.js';
import { VERSION } from './version.js';

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let exit: number = EXIT.ok;
  let debug = argv.includes('--debug');
  const program = new Command('ruleport')
    .description('move network security policy between AWS Security Groups, Network ACLs, Halo and PAN-OS — and prove it')
    .version(VERSION)
    .option('--json', 'machine-readable output')
    .option('--debug', 'details and stack traces on errors (never secrets)')
    .option('--dry-run', 'plan only; change nothing')
    .option('-y, --yes', 'apply without asking')
    .option('--config <file>', 'the ruleport.yaml of sync panos')
    .option('--profile <name>', 'AWS profile')
    .option('--region <region>', 'AWS region')
    .option('--role-arn <arn>', 'AWS role to assume')
    .option('--external-id <id>', 'external id for --role-arn')
    .option('--mfa-token <code>', 'MFA code for a role that needs one')
    .option('--endpoint-url <url>', 'AWS endpoint (emulators, private endpoints)')
    .option('--halo-url <url>', 'Halo API base URL (default $HALO_API_URL or the public API)')
    .option('--auth <file>', 'Halo credentials file (key_id|secret lines)')
    .option('--api-key-file <file>', 'PAN-OS API key file (default $PANOS_API_KEY)')
    .option('--user <name>', 'PAN-OS user to generate a key for (password from $PANOS_PASSWORD)')
    .option('--ca-file <file>', 'CA bundle to verify the PAN-OS/Halo certificate')
    .addOption(new Option('--insecure', 'do not verify TLS certificates (explicit opt-out)'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Errors are one line: commander's "(Did you mean …?)" suggestion joins the line it belongs to.
      outputError: (s, write) => write(`ruleport: ${s.replace(/^error: /, '').trim().split(/\s*\n\s*/).join(' ')}\n`),
    })
    .showSuggestionAfterError();

  const prompt = terminalPrompt(io);
  // Commands print names and descriptions from the policies they read: never raw control characters.
  const out: Io = { ...io, stdout: { write: (s: string) => io.stdout.write(printableText(s)), isTTY: io.stdout.isTTY } };
  const env: CommandEnv = {
    io: out,
    setExit: (code) => {
      exit = code;
    },
    context: (opts: GlobalOptions): WorkflowContext => {
      debug = !!opts.debug;
      return {
        connection: opts,
        warn: (m) => io.stderr.write(`warning: ${printableLine(m)}\n`),
        debug: (m) => {
          if (opts.debug) io.stderr.write(`debug: ${printableLine(m)}\n`);
        },
        ...(prompt ? { prompt } : {}),
      };
    },
  };
  for (const register of COMMANDS) register(program, env);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (e instanceof RuleportError) {
      io.stderr.write(`ruleport: ${printableLine(e.message)}\n`);
      if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    io.stderr.write(`ruleport: internal error: ${printableLine((e as Error).message ?? String(e))}\n`);
    if (debug) io.stderr.write(`${(e as Error).stack ?? ''}\n`);
    return EXIT.failed;
  }
}
