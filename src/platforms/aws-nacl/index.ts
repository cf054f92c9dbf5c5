/**
 * The `aws-nacl` platform: AWS VPC network ACLs. This entry point is pure (no AWS SDK is loaded);
 * live access is in `./client.js`, imported only by code that talks to AWS.
 */
import type { FileFormat } from '../platform.js';
import { AWS_NACL, looksLikeNetworkAcls, parseNetworkAcls } from './parse.js';

export { AWS_NACL, NACL_DEFAULT_RULE_NUMBERS, NACL_MAX_RULE_NUMBER, looksLikeNetworkAcls, parseNetworkAcls } from './parse.js';
export { NACL_NUMBER_START, NACL_NUMBER_STEP, renderNetworkAcl, type NaclEntry, type RenderedNetworkAcl } from './render.js';
export * from './capabilities.js';
export { naclQuotaProblems } from './quota.js';

/** describe-network-acls JSON files; `#selector` matches a NACL id. */
export const awsNaclFormat: FileFormat = {
  platform: AWS_NACL,
  detect: (doc) => looksLikeNetworkAcls(doc),
  parse: (doc, _text, file) => parseNetworkAcls(doc, file),
};
