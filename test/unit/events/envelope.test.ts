import { describe, expect, it } from 'vitest';
import { unwrap } from '../../../src/events/envelope.js';
import { parseLogBytes } from '../../../src/events/log-objects.js';
import { SeenEvents, summarise } from '../../../src/events/triggers.js';
import {
  authorizeIngress,
  failed,
  instancesCall,
  logFile,
  logKey,
  record,
  s3Notification,
  scheduled,
  sqsBatch,
  stateChange,
  viaEventBridge,
} from '../../helpers/cloudtrail.js';

describe('events: unwrapping deliveries', () => {
  it('keeps the calls that matter from a CloudTrail log file; failed and other calls are ignored', () => {
    const doc = parseLogBytes(
      logFile([
        authorizeIngress('sg-0abc1234', 22, '198.51.100.0/24'),
        failed(authorizeIngress('sg-0abc1234', 23, '0.0.0.0/0')),
        record('DescribeInstances', { instancesSet: {} }),
        record('ModifyInstanceAttribute', { instanceId: 'i-0abc12345', instanceType: { value: 't3.large' } }),
        record('ModifyInstanceAttribute', { instanceId: 'i-0abc12345', groupSet: { items: [{ groupId: 'sg-0abc1234' }] } }),
        { ...record('CreateRoute', {}), eventSource: 'ec2.amazonaws.com' },
        { ...record('PutObject', {}), eventSource: 's3.amazonaws.com' },
      ]),
      'log.json.gz',
    );
    const u = unwrap(doc);
    expect(u.records.map((r) => r.eventName)).toEqual(['AuthorizeSecurityGroupIngress', 'ModifyInstanceAttribute', 'CreateRoute']);
    expect(u.ignored).toEqual({ 'failed call': 1, 'other call': 1, 'groups unchanged': 1, 'not EC2': 1 });
  });

  it('names every object of an S3 notification, keys decoded', () => {
    const u = unwrap(s3Notification('trail-bucket', [logKey(1), logKey(2)]));
    expect(u.objects).toEqual([
      { bucket: 'trail-bucket', key: logKey(1), region: 'us-east-1' },
      { bucket: 'trail-bucket', key: logKey(2), region: 'us-east-1' },
    ]);
  });

  it('reads EventBridge events (API calls, state changes, schedules) also inside SQS batches and arrays', () => {
    const call = instancesCall('StartInstances', ['i-0abc12345']);
    const u = unwrap([
      sqsBatch([viaEventBridge(call), s3Notification('b', ['k.json.gz']), stateChange('i-0abc12345', 'running', 'evt-1')]),
      scheduled(),
      { 'detail-type': 'Something Else', detail: {} },
    ]);
    expect(u.records.map((r) => r.eventID)).toEqual([call.eventID]);
    expect(u.objects).toEqual([{ bucket: 'b', key: 'k.json.gz', region: 'us-east-1' }]);
    expect(u.stateChanges).toEqual([{ id: 'evt-1', instanceId: 'i-0abc12345', state: 'running', region: 'us-east-1', account: '123456789012' }]);
    expect(u.schedules).toBe(1);
    expect(u.ignored).toEqual({ 'unknown event': 1 });
  });

  it('collapses duplicates by eventID, within a batch and across batches', () => {
    const a = authorizeIngress('sg-0abc1234', 22, '198.51.100.0/24');
    const b = instancesCall('StopInstances', ['i-0abc12345']);
    const seen = new SeenEvents();
    const first = summarise(unwrap({ Records: [a, b, a] }), seen);
    expect(first).toMatchObject({ calls: 2, duplicates: 1, run: true });
    const replay = summarise(unwrap({ Records: [b, a] }), seen);
    expect(replay).toMatchObject({ calls: 0, duplicates: 2, run: false });
    expect(summarise(unwrap(scheduled()), seen).run).toBe(true);
  });

  it('refuses a log file that is neither gzip nor JSON, naming it', () => {
    expect(() => parseLogBytes(Buffer.from('not json'), 'x.json')).toThrow(/^x\.json: malformed JSON/);
  });
});
