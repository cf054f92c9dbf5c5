/** Secrets Manager: the text of one secret (the firewall's API key for the Lambda controller). */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InputError } from '../../model/index.js';
import type { AwsSession } from './session.js';

/** GetSecretValue → the trimmed SecretString. The value is never logged; errors name the secret, not its text. */
export async function getSecretText(session: AwsSession, region: string, secretId: string): Promise<string> {
  const sm = session.service('secretsmanager', region, (config) => new SecretsManagerClient(config));
  const out = await sm.call('GetSecretValue', 'read', (c) => c.send(new GetSecretValueCommand({ SecretId: secretId })));
  const value = out.SecretString?.trim();
  if (!value) throw new InputError({ object: `secret ${secretId}` }, 'holds no secret text');
  return value;
}
