import { envelope, msgLines, successMsg, xmlResponse, type ApiResponse } from './api-response.js';
import { badRequest, contention, invalidCommand, malformedCommand } from './errors.js';
import type { PanosDevice } from './panos-device.js';
import { parseXmlDocument, XmlSyntaxError } from './xml-parser.js';
import { childNamed, childText, el, memberTexts, textEl, type XmlElement } from './xml-tree.js';

export const COMMIT_BUSY = 'Another commit/validate is in progress. Please try again later';
export const NOTHING_TO_COMMIT = 'There are no changes to commit.';

/**
 * `type=commit`: `<commit>` with optional `<description>`, `<force/>` and
 * `<partial><admin><member>X</member></admin></partial>`. `action=partial` is accepted but not
 * required (clients differ). Returns at once with the job id; the job finishes later.
 */
export function handleCommit(device: PanosDevice, admin: string, params: (name: string) => string | undefined): ApiResponse {
  const action = params('action');
  if (action !== undefined && action !== 'partial') throw badRequest(`Illegal value for parameter "action" [${action}].`);
  const cmdText = params('cmd');
  if (cmdText === undefined) throw badRequest('Missing parameter "cmd".');
  let cmd: XmlElement;
  try {
    cmd = parseXmlDocument(cmdText);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedCommand(`Malformed command: ${error.message}`);
    throw error;
  }
  if (cmd.name !== 'commit') throw invalidCommand(`${cmd.name} is unexpected`);
  const partial = childNamed(cmd, 'partial');
  const admins = memberTexts(childNamed(partial, 'admin'));
  device.locks.assertMayCommit(admin);
  if (device.jobs.isBusy()) throw contention(COMMIT_BUSY);
  const plan = device.store.planCommit(admins.length > 0 ? admins : undefined, childNamed(cmd, 'force') !== undefined);
  if (plan === undefined) return xmlResponse(successMsg(19, NOTHING_TO_COMMIT));
  const job = device.jobs.enqueue(admin, childText(cmd, 'description') ?? '', plan);
  return xmlResponse(
    envelope('success', 19, el('result', {}, msgLines([`Commit job enqueued with jobid ${job.id}`]), textEl('job', String(job.id)))),
  );
}
