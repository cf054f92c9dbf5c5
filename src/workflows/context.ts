/**
 * What a workflow needs from its caller: options, a place for progress and warnings, and the journal.
 * The CLI builds one from flags; the Lambda handler and library users build their own.
 */
import type { AwsConnection } from '../platforms/aws/location-spec.js';

/** Connection and identity options shared by the live locations of every platform (AWS's own, then these). */
export interface ConnectionOptions extends AwsConnection {
  /** Halo */
  readonly haloUrl?: string;
  readonly auth?: string;
  /** PAN-OS */
  readonly apiKeyFile?: string;
  readonly user?: string;
  readonly caFile?: string;
  readonly insecure?: boolean;
}

export interface WorkflowContext {
  readonly connection: ConnectionOptions;
  /** One-line warnings and notes, to stderr on the CLI. */
  warn(message: string): void;
  /** Debug detail; never holds secrets. */
  debug(message: string): void;
  /** Prompts for a secret (MFA token…) on a TTY; undefined when no one can answer. */
  readonly prompt?: (question: string) => Promise<string>;
}
