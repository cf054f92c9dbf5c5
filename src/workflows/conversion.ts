/**
 * What every `convert` workflow hands its caller: a plan, the plan-time check of what it would write, and the
 * two steps that write and then read back and compare. The CLI runs them in that order (print plan → confirm →
 * apply → verify); a library user can too.
 */
import type { Comparison } from '../engine/index.js';
import type { Policy } from '../model/index.js';
import type { ApplyOptions, ApplyResult, Change, Plan } from '../plan/index.js';

/** One source policy compared with what was (or would be) written for it. */
export interface ConversionCheck {
  /** The source as compared (group references mapped or resolved as asked). */
  readonly source: Policy;
  /** The target as read back (or, before writing, as rendered and parsed again). */
  readonly target: Policy;
  readonly comparison: Comparison;
}

export interface Conversion<T = unknown> {
  readonly plan: Plan<T>;
  /** How the plan names one change (`halo zone web_10-0-0-0_8 (10.0.0.0/8)`). */
  describe(change: Change): string;
  /** Where the result goes: `live` systems need confirmation, a `file` does not. */
  readonly output: 'live' | 'file';
  /** Reasons the plan must not be applied (a quota it would exceed): shown with the plan, then an error. */
  readonly problems: readonly string[];
  /** Each rendered target parsed again and compared with its source, before anything is written. */
  readonly preview: readonly ConversionCheck[];
  /** Writes the plan's changes (stops at the first failure; a re-run converges). */
  apply(options?: ApplyOptions): Promise<ApplyResult>;
  /** Reads every target back from where it was written and compares it with its source. */
  verify(): Promise<readonly ConversionCheck[]>;
  /** What applying did beyond the changes, one line each (a commit job and its result), once applied. */
  readonly outcome?: () => readonly string[];
  /** Counters worth reporting (API calls, objects reused/created). */
  stats(): Readonly<Record<string, number>>;
  /** Releases connections the conversion opened itself. */
  close(): void;
}
