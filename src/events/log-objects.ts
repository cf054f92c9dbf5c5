/**
 * CloudTrail log objects from S3: every object of a notification is read (gzip or plain JSON) and its records
 * unwrapped. API I/O only.
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../model/index.js';
import { getObjectBytes } from '../platforms/aws/s3.js';
import type { AwsSession } from '../platforms/aws/session.js';
import { unwrap, type LogObject, type Unwrapped } from './envelope.js';

/** Gzip (by its magic bytes, whatever the name says) or plain JSON → the parsed document. */
export function parseLogBytes(bytes: Uint8Array, name: string): unknown {
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  let text: string;
  try {
    text = (gz ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch (e) {
    throw new InputError({ file: name }, `not a readable gzip file: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError({ file: name }, `malformed JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Reads each object and unwraps its records into `into`; objects of one notification are read concurrently. */
export async function readLogObjects(session: AwsSession, objects: readonly LogObject[], into: Unwrapped, defaultRegion: string): Promise<void> {
  const docs = await Promise.all(
    objects.map(async (o) => {
      const bytes = await getObjectBytes(session, o.region ?? defaultRegion, o.bucket, o.key);
      return parseLogBytes(bytes, `s3://${o.bucket}/${o.key}`);
    }),
  );
  for (const doc of docs) unwrap(doc, into);
}
