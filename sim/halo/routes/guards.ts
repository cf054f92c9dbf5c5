/**
 * Refusals shared by the firewall object routes: system objects are immutable, and objects still in use
 * cannot be deleted. Both are 422s (README § Validation) so that 403 keeps meaning "read-only key".
 */
import { validationFailed } from '../errors.js';
import type { WireUsedBy } from '../wire-types.js';

export function refuseSystem(record: { readonly system: boolean }, plural: string): void {
  if (record.system) {
    throw validationFailed([
      { field: 'system', value: true, code: 'system_object', details: `System ${plural} cannot be modified or deleted` },
    ]);
  }
}

export function refuseInUse(id: string, what: string, users: readonly WireUsedBy[], byWhat: string): void {
  if (users.length > 0) {
    throw validationFailed([
      { field: 'id', value: id, code: 'in_use', details: `${what} is used by ${byWhat}: ${users.map((u) => u.name).join(', ')}` },
    ]);
  }
}
