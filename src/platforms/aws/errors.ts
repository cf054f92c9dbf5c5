/**
 * Maps AWS SDK failures to ruleport's typed errors: one line, naming the service, the call and the region,
 * never a stack, a request body or a credential.
 */
import { InputError, RemoteError, RuleportError } from '../../model/index.js';
import { errorFacts, isThrottling, type CallKind } from './retry.js';

/** Codes that mean "the ids, names or values you gave are wrong": an input error (exit 2) for reads. */
const BAD_INPUT = /(\.NotFound|\.Malformed|^InvalidParameterValue|^InvalidParameter|^InvalidParameterCombination|^MissingParameter|^InvalidID|^InvalidVpcID\.NotFound)$/;

/** Network failures that will not heal by waiting: a wrong region or endpoint. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_NONAME', 'ERR_INVALID_URL']);

export interface CallContext {
  readonly service: string;
  readonly call: string;
  readonly region: string;
  readonly kind: CallKind;
}

/** The ruleport error for a failed call after `attempts` attempts. */
export function toRuleportError(err: unknown, ctx: CallContext, attempts: number): RuleportError {
  if (err instanceof RuleportError) return err;
  const facts = errorFacts(err);
  const where = `${ctx.service} ${ctx.call} (${ctx.region})`;
  const message = oneLine(err);
  if (UNREACHABLE.has(facts.code)) {
    return new InputError({ object: where }, `cannot reach the ${ctx.service} endpoint: unknown region or wrong --endpoint-url (${facts.code})`);
  }
  if (facts.code === 'CredentialsProviderError' || /credential/i.test(facts.code)) {
    return new InputError({ object: 'AWS credentials' }, message || 'no AWS credentials found');
  }
  if (ctx.kind === 'read' && BAD_INPUT.test(facts.code)) {
    return new InputError({ object: where }, `${facts.code}: ${message}`);
  }
  const after = attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
  const detail = facts.status !== undefined && !message ? `HTTP ${facts.status}` : message;
  const text = isThrottling(facts) ? `${facts.code}: ${detail || 'throttled'}${after}` : `${facts.code}: ${detail}${after}`;
  return new RemoteError(ctx.service, `${ctx.call} (${ctx.region})`, text, facts.status);
}

/**
 * The error's message on one line. The SDK reports unparseable bodies (an HTML 500 page) with a multi-line
 * explanation; only its first line is worth printing.
 */
function oneLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const first = raw.split(/\r?\n/)[0]!.trim();
  if (/XML parse error|Deserialization error|Unexpected token/.test(first)) return 'unreadable response from the service';
  return first.length > 300 ? `${first.slice(0, 297)}...` : first;
}
