/**
 * The `aws-sg` platform: AWS VPC security groups. This entry point is pure (no AWS SDK is loaded);
 * live access is in `./client.js`, imported only by code that talks to AWS.
 */
import type { FileFormat } from '../platform.js';
import { AWS_SG, looksLikeSecurityGroups, parseSecurityGroups } from './parse.js';

export { AWS_SG, looksLikeSecurityGroups, parseSecurityGroups } from './parse.js';
export { awsRuleDescription, renderSecurityGroup, ruleSubject, type RenderedSecurityGroup } from './render.js';
export * from './capabilities.js';
export { countRules, sgQuotaProblems, type RuleCount } from './quota.js';

/** describe-security-groups JSON files; `#selector` matches a group id or name. */
export const awsSgFormat: FileFormat = {
  platform: AWS_SG,
  detect: (doc) => looksLikeSecurityGroups(doc),
  parse: (doc, _text, file) => parseSecurityGroups(doc, file),
};
