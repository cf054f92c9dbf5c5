/**
 * Moving an admitted server and proving it moved: `PUT /v1/servers/{id}`, then read the server back until it
 * shows the destination group (writes are eventually consistent) or the read-backs run out.
 */
import { isNotFound, type HaloServersApi } from '../../platforms/halo/servers-client.js';
import { errorText } from './error-text.js';
import type { Clock } from './scan-server.js';

/** Read-backs after a move, `READ_BACK_DELAY_MS` apart. */
const READ_BACKS = 3;
const READ_BACK_DELAY_MS = 500;

export type MoveResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** Moves server `serverId` into group `to`. */
export async function moveAndConfirm(
  api: HaloServersApi,
  serverId: string,
  to: { readonly id: string; readonly name: string },
  clock: Clock,
): Promise<MoveResult> {
  try {
    await api.moveServer(serverId, to.id);
  } catch (e) {
    return { ok: false, detail: isNotFound(e) ? 'the server disappeared before it could be moved' : errorText(e) };
  }
  let seen = '';
  for (let i = 1; i <= READ_BACKS; i++) {
    try {
      const now = await api.getServer(serverId);
      if (!now) return { ok: false, detail: 'the server disappeared right after the move' };
      if (now.groupId === to.id) return { ok: true };
      seen = now.groupId;
    } catch (e) {
      seen = `unreadable (${errorText(e)})`;
    }
    if (i < READ_BACKS) await clock.sleep(READ_BACK_DELAY_MS);
  }
  return { ok: false, detail: `moved, but reading it back shows group ${seen}, not ${to.name}` };
}
