/**
 * Shared AWS access: sessions (credentials, roles, MFA, endpoint), retries, concurrency limits, regions, and the
 * reads every workflow needs (VPCs, subnets, route tables, instances, prefix lists, caller identity).
 * Loads the AWS SDK: import it only where AWS is talked to.
 */
export { AwsSession, assertRegion, type AwsSessionOptions, type Ec2Handle, type ServiceHandle, type StsHandle } from './session.js';
export type { AwsCredentials, AwsIdentity, CredentialProvider } from './credentials.js';
export { DEFAULT_RETRY, isRetryable, type CallKind } from './retry.js';
export { ConcurrencyLimits, DEFAULT_CONCURRENCY, mapLimited, type ConcurrencyOptions } from './concurrency.js';
export { listRegions } from './regions.js';
export { callerIdentity, type CallerIdentity } from './identity.js';
export { describeSubnets, describeVpcs, vpcCidrs, type SubnetSelector, type VpcSelector } from './vpcs.js';
export { describeRouteTables, routeTableOfSubnet, type RouteTableSelector } from './route-tables.js';
export {
  describeInstances,
  describeNetworkInterfaces,
  instanceInterfaces,
  interfaceFacts,
  type InstanceSelector,
  type InterfaceFacts,
  type NetworkInterfaceSelector,
} from './instances.js';
export { describeManagedPrefixLists, prefixListEntries, readPrefixLists, type PrefixListWithEntries } from './prefix-lists.js';
export { OWNER_TAG, createTags, tagList, tagRecord, tagSpecifications } from './tags.js';
export { collectPages, type Page } from '../paginate.js';
export { AWS_LOCATION_SYNTAX, formatAwsLocation, parseAwsLocation, type AwsConnection, type AwsInteraction, type AwsLocation } from './location-spec.js';
export { exportAwsLocation, loadAwsLocation, sessionOptionsFromConnection } from './live-location.js';
export { awsLiveScheme } from './live-scheme.js';
