import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { SYNC_EVENT_NAMES } from '../../../src/events/cloudtrail.js';

/** CloudFormation's short-form intrinsics (`!Ref`, `!GetAtt`…) read as plain values: only the structure matters here. */
const customTags = ['Ref', 'GetAtt', 'Sub', 'If', 'Not', 'Equals', 'Join'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({ tag: `!${name}`, collection, resolve: (v: unknown) => ({ [name]: v }) })),
);

describe('deploy/template.yaml', () => {
  const doc = parseDocument(readFileSync(new URL('../../../deploy/template.yaml', import.meta.url), 'utf8'), { customTags: customTags as never });
  const t = doc.toJS() as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

  it('is well-formed YAML', () => {
    expect(doc.errors).toEqual([]);
  });

  it('routes exactly the API calls the handler acts on', () => {
    const names = t.Resources.ApiCallRule!.Properties.EventPattern.detail.eventName as string[];
    expect([...names].sort()).toEqual([...SYNC_EVENT_NAMES].sort());
  });

  it('gives the function read-only EC2 access and no write action on EC2', () => {
    const statements = t.Resources.FunctionRole!.Properties.Policies[0].PolicyDocument.Statement as { Action: string | string[] }[];
    const ec2 = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('ec2:'));
    expect(ec2.length).toBeGreaterThan(0);
    for (const a of ec2) expect(a).toMatch(/^ec2:(Describe|Get)/);
  });

  it('batches the queue into one invocation and has a dead-letter queue', () => {
    const source = t.Resources.QueueSource!.Properties;
    expect(source.BatchSize).toBeGreaterThan(1);
    expect(source.MaximumBatchingWindowInSeconds).toBe('BatchingWindowSeconds'); // !Ref of the parameter
    const window = (doc.toJS() as { Parameters: Record<string, { Type: string; Default: number }> }).Parameters.BatchingWindowSeconds!;
    expect(window.Type).toBe('Number');
    expect(window.Default).toBeGreaterThan(0);
    // Undeliverable events and failed invocations both end in the one dead-letter queue.
    expect(t.Resources.DeadLetterQueue!.Type).toBe('AWS::SQS::Queue');
    expect(t.Resources.EventQueue!.Properties.RedrivePolicy.deadLetterTargetArn).toBe('DeadLetterQueue.Arn'); // !GetAtt
    expect(t.Resources.Function!.Properties.DeadLetterConfig).toEqual({ TargetArn: 'DeadLetterQueue.Arn' });
  });
});
