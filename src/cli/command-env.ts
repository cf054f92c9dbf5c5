import type { Command } from 'commander';
import type { ConnectionOptions, WorkflowContext } from '../workflows/context.js';
import type { Io } from './io.js';

/** Global flags every command sees (`optsWithGlobals`). */
export interface GlobalOptions extends ConnectionOptions {
  readonly json?: boolean;
  readonly debug?: boolean;
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  readonly config?: string;
}

/** What a command module receives: the streams, the exit code to set, and a workflow context factory. */
export interface CommandEnv {
  readonly io: Io;
  setExit(code: number): void;
  context(opts: GlobalOptions): WorkflowContext;
}

/** A command module registers one sub-command. */
export type CommandModule = (program: Command, env: CommandEnv) => void;
