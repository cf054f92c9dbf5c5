/**
 * The contract every platform folder implements (aerleon-style: one module per platform behind one base
 * contract). parse/render are pure; client.ts does API I/O only; capabilities.ts is data.
 */
import type { Action, AddressItem, Direction, Evaluation, Policy } from '../model/index.js';

/** A platform limit, named, with the vendor page that states it. */
export interface Quota {
  readonly limit: number;
  readonly doc: string;
}

/** What a platform can express. The translator checks a policy against this before rendering. */
export interface Capabilities {
  readonly evaluation: Evaluation;
  readonly stateful: boolean;
  readonly directions: readonly Direction[];
  readonly actions: readonly Action[];
  /** Address item kinds a rule's peer may hold. */
  readonly peerKinds: readonly AddressItem['kind'][];
  /** Whether rules have a local side (destination of ingress) other than `any`. */
  readonly localSide: boolean;
  readonly negation: boolean;
  /** Several port ranges in one rule. */
  readonly multiplePortRanges: boolean;
  /** Distinct ICMP type/code matching. */
  readonly icmpTypeCode: boolean;
  /** IPv6 addresses. */
  readonly ipv6: boolean;
  readonly quotas: Readonly<Record<string, Quota>>;
}

/** A file-format reader a platform contributes to location resolution. */
export interface FileFormat {
  /** Platform id, e.g. `aws-sg`. */
  readonly platform: string;
  /** True when `doc` (parsed JSON, or XML text for XML formats) is this platform's export. */
  detect(doc: unknown, text: string): boolean;
  /** Every policy in the document; `meta.id` (or `name`) is what a `#selector` matches. */
  parse(doc: unknown, text: string, file: string, options?: FileParseOptions): Policy[];
}

/** Reading choices a command passes down to the formats that have them (others ignore them). */
export interface FileParseOptions {
  /** The zone pair a zone-based rulebase (PAN-OS) is read for. */
  readonly zones?: { readonly from: string; readonly to: string };
  /** Read rules that cannot be expressed narrower (and report them) instead of failing. */
  readonly dropInexpressible?: boolean;
  /** Where a format reports what it left out. */
  readonly warn?: (message: string) => void;
}
