/**
 * What arrives at sync, unwrapped into triggers. Pure.
 *
 * Accepted shapes, nested as AWS nests them:
 * - a CloudTrail log file `{"Records":[record…]}`;
 * - an S3 object notification `{"Records":[{"eventSource":"aws:s3","s3":{bucket,object}}…]}` — every record is
 *   one log object to read (the seed read only the first);
 * - an EventBridge event: `AWS API Call via CloudTrail` (its `detail` is a record), `EC2 Instance State-change
 *   Notification`, or `Scheduled Event`;
 * - an SQS batch `{"Records":[{"eventSource":"aws:sqs","body":"…"}…]}` whose bodies are any of the above (an S3
 *   notification, an EventBridge event), and an SNS envelope around them;
 * - a JSON array of any of these (a file of EventBridge events).
 */
import { judgeRecord, type CloudTrailRecord, type IgnoreReason } from './cloudtrail.js';

/** An S3 object holding CloudTrail records (a `.json.gz` log file). */
export interface LogObject {
  readonly bucket: string;
  readonly key: string;
  readonly region?: string;
}

export interface StateChange {
  readonly id: string;
  readonly instanceId: string;
  readonly state: string;
  readonly region?: string;
  readonly account?: string;
}

/** Everything one delivery holds. */
export interface Unwrapped {
  readonly records: CloudTrailRecord[];
  readonly stateChanges: StateChange[];
  readonly objects: LogObject[];
  schedules: number;
  readonly ignored: Partial<Record<IgnoreReason | 'unknown event', number>>;
}

export function emptyUnwrapped(): Unwrapped {
  return { records: [], stateChanges: [], objects: [], schedules: 0, ignored: {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Unwraps one delivery into `into` (mutated), recursing through SQS/SNS bodies and arrays. */
export function unwrap(event: unknown, into: Unwrapped = emptyUnwrapped()): Unwrapped {
  const ignore = (why: IgnoreReason | 'unknown event'): void => {
    into.ignored[why] = (into.ignored[why] ?? 0) + 1;
  };
  if (Array.isArray(event)) {
    for (const e of event) unwrap(e, into);
    return into;
  }
  if (!isObject(event)) {
    ignore('unknown event');
    return into;
  }
  if (Array.isArray(event.Records)) {
    for (const r of event.Records) unwrapRecord(r, into, ignore);
    return into;
  }
  if (typeof event['detail-type'] === 'string') {
    unwrapEventBridge(event, into, ignore);
    return into;
  }
  // SNS notification delivered to SQS without raw delivery.
  if (event.Type === 'Notification' && typeof event.Message === 'string') {
    unwrapText(event.Message, into, ignore);
    return into;
  }
  ignore('unknown event');
  return into;
}

function unwrapText(text: string, into: Unwrapped, ignore: (why: IgnoreReason | 'unknown event') => void): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    ignore('malformed');
    return;
  }
  unwrap(body, into);
}

function unwrapRecord(r: unknown, into: Unwrapped, ignore: (why: IgnoreReason | 'unknown event') => void): void {
  if (!isObject(r)) {
    ignore('malformed');
    return;
  }
  if (r.eventSource === 'aws:s3') {
    const s3 = isObject(r.s3) ? r.s3 : {};
    const bucket = isObject(s3.bucket) ? s3.bucket.name : undefined;
    const key = isObject(s3.object) ? s3.object.key : undefined;
    if (typeof bucket !== 'string' || typeof key !== 'string') {
      ignore('malformed');
      return;
    }
    // S3 notifications URL-encode keys, spaces as '+'.
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    into.objects.push({ bucket, key: decoded, ...(typeof r.awsRegion === 'string' ? { region: r.awsRegion } : {}) });
    return;
  }
  if (r.eventSource === 'aws:sqs' && typeof r.body === 'string') {
    unwrapText(r.body, into, ignore);
    return;
  }
  if ((r.EventSource === 'aws:sns' || r.eventSource === 'aws:sns') && isObject(r.Sns) && typeof r.Sns.Message === 'string') {
    unwrapText(r.Sns.Message, into, ignore);
    return;
  }
  const judged = judgeRecord(r);
  if (judged.ignored) ignore(judged.ignored);
  else into.records.push(judged.record!);
}

function unwrapEventBridge(e: Record<string, unknown>, into: Unwrapped, ignore: (why: IgnoreReason | 'unknown event') => void): void {
  const type = e['detail-type'];
  const detail = isObject(e.detail) ? e.detail : {};
  if (type === 'AWS API Call via CloudTrail') {
    unwrapRecord(detail, into, ignore);
  } else if (type === 'EC2 Instance State-change Notification') {
    const instanceId = detail['instance-id'];
    const state = detail.state;
    if (typeof instanceId !== 'string' || typeof state !== 'string' || typeof e.id !== 'string') {
      ignore('malformed');
      return;
    }
    into.stateChanges.push({
      id: e.id,
      instanceId,
      state,
      ...(typeof e.region === 'string' ? { region: e.region } : {}),
      ...(typeof e.account === 'string' ? { account: e.account } : {}),
    });
  } else if (type === 'Scheduled Event') {
    into.schedules++;
  } else {
    ignore('unknown event');
  }
}
