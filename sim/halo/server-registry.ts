/**
 * Servers appear in Halo when an agent registers; the simulator's stand-in is this function, used by
 * `addServer()` and by seeds. Bad input is a programming error in the test or seed, so it throws plainly.
 */
import { isIP } from 'node:net';
import type { SimCore } from './core.js';
import { sameName, type GroupRecord, type ServerRecord } from './store.js';
import type { WireServerInterface, WireServerState } from './wire-types.js';

/** A server to register. Field names follow the wire format. */
export interface AddServerInput {
  readonly id?: string;
  /** Default `sim-host-<n>`. */
  readonly hostname?: string;
  readonly server_label?: string | null;
  /** Default a unique 10.x.y.z address. */
  readonly primary_ip_address?: string;
  /** Default the primary address. */
  readonly connecting_ip_address?: string;
  /** Default `active`. */
  readonly state?: WireServerState;
  /** Default `centos`. */
  readonly platform?: string;
  /** Group id or name. */
  readonly group_id?: string;
  /** Place the server in the group with this tag, as an agent started with `--tag` is. */
  readonly tag?: string;
  /** Default one `eth0` with the primary address. */
  readonly interfaces?: readonly WireServerInterface[];
}

const STATES: readonly WireServerState[] = ['active', 'missing', 'deactivated', 'retired'];

function findGroup(core: SimCore, input: AddServerInput): GroupRecord {
  const groups = [...core.store.groups.values()];
  if (input.group_id !== undefined) {
    const group =
      core.store.groups.get(input.group_id) ?? groups.find((g) => sameName(g.name, input.group_id!));
    if (!group) throw new Error(`addServer: no group with id or name ${JSON.stringify(input.group_id)}`);
    return group;
  }
  if (input.tag !== undefined) {
    const group = groups.find((g) => g.tag !== null && sameName(g.tag, input.tag!));
    if (!group) throw new Error(`addServer: no group with tag ${JSON.stringify(input.tag)}`);
    return group;
  }
  throw new Error('addServer: give group_id (id or name) or tag');
}

/** Registers a server and returns its record. */
export function registerServer(core: SimCore, input: AddServerInput): ServerRecord {
  const group = findGroup(core, input);
  if (input.id !== undefined && core.store.hasId(input.id)) throw new Error(`addServer: id ${input.id} is already in use`);
  if (input.state !== undefined && !STATES.includes(input.state)) throw new Error(`addServer: unknown state ${input.state}`);
  const n = core.store.servers.size + 1;
  const primary = input.primary_ip_address ?? `10.${Math.floor(n / 62500) % 256}.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  const connecting = input.connecting_ip_address ?? primary;
  for (const ip of [primary, connecting, ...(input.interfaces ?? []).map((i) => i.ip_address)]) {
    if (isIP(ip) === 0) throw new Error(`addServer: ${JSON.stringify(ip)} is not an IP address`);
  }
  const server: ServerRecord = {
    id: input.id ?? core.ids.next('server'),
    hostname: input.hostname ?? `sim-host-${n}`,
    server_label: input.server_label ?? null,
    primary_ip_address: primary,
    connecting_ip_address: connecting,
    state: input.state ?? 'active',
    platform: input.platform ?? 'centos',
    group_id: group.id,
    interfaces: (input.interfaces ?? [{ name: 'eth0', ip_address: primary }]).map((i) => ({ name: i.name, ip_address: i.ip_address })),
  };
  core.store.servers.set(server.id, server);
  return server;
}
