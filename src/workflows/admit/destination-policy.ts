/**
 * `--expect-firewall-policy NAME`: admission is about network access, so before moving servers into the
 * destination group, check that the firewall policy they will get there is the one expected — the linux
 * policy for linux servers, the windows policy for windows servers.
 */
import type { HaloGroup, HaloServer, HaloServersApi } from '../../platforms/halo/servers-client.js';

/** The problem, one line, or undefined when every server about to move would get the expected policy. */
export async function destinationPolicyProblem(
  api: HaloServersApi,
  to: HaloGroup,
  expected: string,
  servers: readonly HaloServer[],
): Promise<string | undefined> {
  const group = await api.getGroup(to.id);
  const kinds = new Set(servers.map((s) => (s.platform.toLowerCase() === 'windows' ? 'windows' : 'linux')));
  const problems: string[] = [];
  for (const kind of ['linux', 'windows'] as const) {
    if (!kinds.has(kind)) continue;
    const id = kind === 'linux' ? group.linuxFirewallPolicyId : group.windowsFirewallPolicyId;
    if (id === null) {
      problems.push(`no ${kind} firewall policy`);
      continue;
    }
    const name = await api.firewallPolicyName(id);
    if (name.toLowerCase() !== expected.toLowerCase()) problems.push(`${kind} firewall policy "${name}"`);
  }
  if (problems.length === 0) return undefined;
  return `destination group ${group.path} has ${problems.join(' and ')}, expected "${expected}"`;
}
