/**
 * Slots: how a migration plan names destination objects before they exist. A slot is a destination id, or
 * `new:<source id>` for an object the plan creates; applying the create fills in the id for later changes.
 */

export type Slot = string;
const PENDING = 'new:';

export function pendingSlot(sourceId: string): Slot {
  return `${PENDING}${sourceId}`;
}

export function isPending(slot: Slot): boolean {
  return slot.startsWith(PENDING);
}

/** The source id a `new:` slot stands for. */
export function pendingSource(slot: Slot): string {
  return slot.slice(PENDING.length);
}

/** Destination ids of the slots: known ids resolve to themselves, `new:` slots once their create has run. */
export class SlotIds {
  private readonly created = new Map<Slot, string>();

  resolve(slot: Slot): string {
    if (!isPending(slot)) return slot;
    const id = this.created.get(slot);
    if (!id) throw new Error(`${slot} has not been created (its create did not run)`);
    return id;
  }

  /** The id of a slot, or undefined while it is still to be created. */
  peek(slot: Slot): string | undefined {
    return isPending(slot) ? this.created.get(slot) : slot;
  }

  set(slot: Slot, id: string): void {
    this.created.set(slot, id);
  }
}
