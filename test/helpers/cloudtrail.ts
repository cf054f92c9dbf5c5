/**
 * CloudTrail records, S3 notifications, EventBridge events and SQS batches in the formats AWS delivers them
 * (field names and nesting as in the AWS documentation's samples), for tests.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const ACCOUNT = '123456789012';

/** A CloudTrail record of an EC2 call. */
export function record(eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
    eventTime: '2026-12-03T08:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters,
    responseElements: { requestId: randomUUID(), _return: true },
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...extra,
  };
}

export const authorizeIngress = (groupId: string, port: number, cidr: string): Record<string, unknown> =>
  record('AuthorizeSecurityGroupIngress', {
    groupId,
    ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: { items: [{ cidrIp: cidr }] }, ipv6Ranges: {}, prefixListIds: {} }] },
  });

export const instancesCall = (eventName: 'StartInstances' | 'StopInstances' | 'TerminateInstances', ids: string[]): Record<string, unknown> =>
  record(eventName, { instancesSet: { items: ids.map((instanceId) => ({ instanceId })) } });

/** A failed call: `errorCode`, null `responseElements`. */
export const failed = (r: Record<string, unknown>): Record<string, unknown> => ({ ...r, errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized', responseElements: null });

/** A CloudTrail log file, gzipped as delivered to S3. */
export const logFile = (records: unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));

/** The S3 key CloudTrail writes a log file under. */
export const logKey = (n: number): string => `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/12/03/${ACCOUNT}_CloudTrail_us-east-1_20261203T0800Z_${n}abcDEF.json.gz`;

/** An S3 event notification naming objects (keys URL-encoded as S3 sends them). */
export function s3Notification(bucket: string, keys: string[]): Record<string, unknown> {
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-12-03T08:05:00.000Z',
      eventName: 'ObjectCreated:Put',
      s3: { s3SchemaVersion: '1.0', configurationId: 'cloudtrail', bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size: 1024, eTag: 'x' } },
    })),
  };
}

/** An EventBridge event carrying a CloudTrail record. */
export const viaEventBridge = (r: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  account: ACCOUNT,
  time: '2026-12-03T08:00:01Z',
  region: 'us-east-1',
  resources: [],
  detail: r,
});

export const stateChange = (instanceId: string, state: string, id: string = randomUUID()): Record<string, unknown> => ({
  version: '0',
  id,
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: ACCOUNT,
  time: '2026-12-03T08:00:02Z',
  region: 'us-east-1',
  resources: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${instanceId}`],
  detail: { 'instance-id': instanceId, state },
});

export const scheduled = (): Record<string, unknown> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2026-12-03T08:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/ruleport-sync-schedule`],
  detail: {},
});

/** An SQS batch as Lambda receives it: each body a JSON message. */
export const sqsBatch = (bodies: unknown[]): Record<string, unknown> => ({
  Records: bodies.map((b, i) => ({
    messageId: randomUUID(),
    receiptHandle: `handle-${i}`,
    body: JSON.stringify(b),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1764748800000' },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:ruleport-sync`,
    awsRegion: 'us-east-1',
  })),
});
