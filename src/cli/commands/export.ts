import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { AWS_LOCATION_SYNTAX, parseAwsLocation } from '../../platforms/aws/location-spec.js';
import { ALL_REGIONS_HELP } from '../all-regions-option.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';

/**
 * `ruleport export aws:REGION[/…]`: the describe-security-groups or describe-network-acls JSON of live objects —
 * the same document `aws ec2 describe-…` prints and file locations read, so `export > f.json` then `show f.json`
 * shows what `show aws:…` shows. With `--all-regions` (location `aws:`), the groups of every enabled region in one
 * document.
 */
export function registerExport(program: Command, env: CommandEnv): void {
  program
    .command('export')
    .description('write the describe-* JSON of live AWS security groups or network ACLs (what file locations read)')
    .argument('<location>', AWS_LOCATION_SYNTAX)
    .option('--all-regions', ALL_REGIONS_HELP)
    .action(async (loc: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const ctx = env.context(opts);
      if (!loc.startsWith('aws:')) {
        throw new InputError({ file: loc }, `export reads live AWS locations (${AWS_LOCATION_SYNTAX})`);
      }
      const spec = parseAwsLocation(loc.slice('aws:'.length));
      // The AWS SDK loads only for commands that talk to AWS.
      const [{ AwsSession }, { exportAwsRegions, locationRegions, sessionOptionsFromConnection }] = await Promise.all([
        import('../../platforms/aws/session.js'),
        import('../../platforms/aws/live-location.js'),
      ]);
      const session = new AwsSession(sessionOptionsFromConnection(ctx.connection, ctx));
      try {
        const doc = await exportAwsRegions(session, spec, await locationRegions(session, spec, opts.allRegions));
        env.io.stdout.write(`${JSON.stringify(doc, null, 4)}\n`);
      } finally {
        session.destroy();
      }
    });
}
