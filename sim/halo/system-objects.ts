/**
 * The objects every Halo account has and nobody can change: the `any` zone, the system services and the
 * system interfaces. The reference says "about 27 system services (ssh, http 80, https 443, ping = ICMP 8, …)";
 * the exact vendor list is unverified, so this is the simulator's list (README § System objects).
 */
import { systemId } from './ids.js';
import type { Store } from './store.js';

export interface SystemZoneDef {
  readonly name: string;
  readonly ip_address: string;
}

export interface SystemServiceDef {
  readonly name: string;
  readonly protocol: 'TCP' | 'UDP' | 'ICMP';
  readonly port: string | null;
}

export const SYSTEM_ZONES: readonly SystemZoneDef[] = [{ name: 'any', ip_address: '0.0.0.0/0' }];

export const SYSTEM_SERVICES: readonly SystemServiceDef[] = [
  { name: 'ssh', protocol: 'TCP', port: '22' },
  { name: 'http', protocol: 'TCP', port: '80' },
  { name: 'https', protocol: 'TCP', port: '443' },
  { name: 'ping', protocol: 'ICMP', port: '8' },
  // Service names are unique, so DNS over TCP needs its own name.
  { name: 'dns', protocol: 'UDP', port: '53' },
  { name: 'dns-tcp', protocol: 'TCP', port: '53' },
  { name: 'smtp', protocol: 'TCP', port: '25' },
  { name: 'smtps', protocol: 'TCP', port: '465' },
  { name: 'submission', protocol: 'TCP', port: '587' },
  { name: 'pop3', protocol: 'TCP', port: '110' },
  { name: 'pop3s', protocol: 'TCP', port: '995' },
  { name: 'imap', protocol: 'TCP', port: '143' },
  { name: 'imaps', protocol: 'TCP', port: '993' },
  { name: 'ftp', protocol: 'TCP', port: '21' },
  { name: 'ftp-data', protocol: 'TCP', port: '20' },
  { name: 'telnet', protocol: 'TCP', port: '23' },
  { name: 'ntp', protocol: 'UDP', port: '123' },
  { name: 'snmp', protocol: 'UDP', port: '161' },
  { name: 'ldap', protocol: 'TCP', port: '389' },
  { name: 'ldaps', protocol: 'TCP', port: '636' },
  { name: 'rdp', protocol: 'TCP', port: '3389' },
  { name: 'mysql', protocol: 'TCP', port: '3306' },
  { name: 'postgresql', protocol: 'TCP', port: '5432' },
  { name: 'mssql', protocol: 'TCP', port: '1433' },
  { name: 'oracle', protocol: 'TCP', port: '1521' },
  { name: 'http-alt', protocol: 'TCP', port: '8080' },
  // All ICMP types: `port` null means every type.
  { name: 'icmp', protocol: 'ICMP', port: null },
];

export const SYSTEM_INTERFACES: readonly string[] = ['lo', 'eth0', 'eth0:1', 'eth0:2', 'eth0:3', 'eth0:4', 'eth1'];

/** Rule source/target names that refer to built-in collections rather than stored objects. */
export const SPECIAL_GROUP_NAMES: readonly string[] = ['All Active Servers'];
export const SPECIAL_USER_GROUP_NAMES: readonly string[] = ['All GhostPorts users'];

/** Adds the system zone, services and interfaces to a fresh store, with the same ids in every instance. */
export function installSystemObjects(store: Store): void {
  for (const z of SYSTEM_ZONES) {
    const id = systemId('zone', z.name);
    store.zones.set(id, { id, name: z.name, ip_address: z.ip_address, description: '', shared: true, system: true });
  }
  for (const s of SYSTEM_SERVICES) {
    const id = systemId('service', s.name);
    store.services.set(id, { id, name: s.name, protocol: s.protocol, port: s.port, description: '', shared: true, system: true });
  }
  for (const name of SYSTEM_INTERFACES) {
    const id = systemId('interface', name);
    store.interfaces.set(id, { id, name, system: true });
  }
}
