/**
 * Ids in Halo API paths. Ids come from API answers and from the admit journal, so they are not trusted to be
 * plain: each is percent-encoded, and `.`, `..` and the empty id are refused, because encoding leaves dots alone
 * and URL resolution would read `/v1/servers/..` as `/v1/` — a request (with the bearer token) to another
 * endpoint than the one meant.
 */
import { InputError } from '../../model/index.js';

/**
 * One id as a path segment.
 * @param what the kind of id, for the message (`server id`).
 * @throws InputError when the id is empty, `.` or `..`.
 */
export function idSegment(id: string, what: string): string {
  if (id === '' || id === '.' || id === '..') {
    throw new InputError({ object: `Halo ${what} ${JSON.stringify(id)}` }, 'cannot be used in an API path (empty, "." or "..")');
  }
  return encodeURIComponent(id);
}
