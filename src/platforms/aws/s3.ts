/** S3 reads: the bytes of one object (CloudTrail log files named by a notification). */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsSession } from './session.js';

/** GetObject, whole body. Path-style addressing when an endpoint is set, since emulators have no bucket DNS names. */
export async function getObjectBytes(session: AwsSession, region: string, bucket: string, key: string): Promise<Uint8Array> {
  const s3 = session.service('s3', region, (config) => new S3Client({ ...config, ...(config.endpoint ? { forcePathStyle: true } : {}) }));
  const out = await s3.call(`GetObject s3://${bucket}/${key}`, 'read', (c) => c.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
  return out.Body!.transformToByteArray();
}
