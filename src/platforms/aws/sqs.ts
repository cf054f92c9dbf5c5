/** SQS: one queue read by long polling, messages deleted once handled. */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { AwsSession } from './session.js';

/** SQS long polling waits at most 20 s per call, and a call returns or deletes at most 10 messages. */
export const SQS_MAX_WAIT_S = 20;
const SQS_BATCH = 10;

export interface QueueHandle {
  /** ReceiveMessage: up to 10 messages, waiting up to `waitS` seconds (0 = return at once); `stop` aborts the wait. */
  receive(waitS: number, stop: AbortSignal): Promise<Message[]>;
  /** DeleteMessageBatch in batches of 10. */
  delete(messages: readonly Message[]): Promise<void>;
}

/** The queue's region comes from its URL (`https://sqs.REGION.amazonaws.com/…`), else `fallbackRegion`. */
export function openQueue(session: AwsSession, queueUrl: string, fallbackRegion: string): QueueHandle {
  const region = /sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1] ?? fallbackRegion;
  const sqs = session.service('sqs', region, (config) => new SQSClient(config));
  return {
    async receive(waitS, stop) {
      const out = await sqs.call('ReceiveMessage', 'read', (c) =>
        c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: SQS_BATCH, WaitTimeSeconds: waitS }), { abortSignal: stop }),
      );
      return out.Messages ?? [];
    },
    async delete(messages) {
      for (let i = 0; i < messages.length; i += SQS_BATCH) {
        const part = messages.slice(i, i + SQS_BATCH);
        await sqs.call('DeleteMessageBatch', 'write', (c) =>
          c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: part.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) })),
        );
      }
    },
  };
}
