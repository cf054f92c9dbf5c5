/**
 * `--confirm-on-device`: every rule the engine found already allowed is checked once more by the firewall itself
 * (`test security-policy-match` on its running configuration) with one concrete flow of the rule. When the device
 * disagrees — no rule, a deny, or one of sync's own rules matched — the rule is added after all, with a warning.
 */
import { parseCidr, formatIp, protocolNumber, type AddressItem, type Flow } from '../../model/index.js';
import { flowQuery, type PanosClient } from '../../platforms/panos/client.js';
import type { WorkflowContext } from '../context.js';
import type { SyncRule } from './desired.js';
import type { ScopedGroup } from './read-scope.js';
import { SYNC_RULE_PREFIX } from './plan-firewall.js';

/** A concrete address of an address item: the first host of a block (its network address only for a host). */
function sampleAddress(item: AddressItem): string | undefined {
  if (item.kind === 'range') return item.first;
  if (item.kind !== 'cidr') return undefined;
  const c = parseCidr(item.cidr)!;
  return formatIp(c.version, c.first === c.last ? c.first : c.first + 1n);
}

/** One concrete flow of a rule towards a member; undefined when there is none to ask about. */
function sampleFlow(r: SyncRule, member: string | undefined): Flow | undefined {
  const peer = r.rule.peer.kind === 'list' ? r.rule.peer.items.map(sampleAddress).find((a) => a !== undefined) : '198.51.100.1';
  if (!peer || !member || peer.includes(':') !== member.includes(':')) return undefined;
  const ingress = r.rule.direction === 'ingress';
  const base = { direction: r.rule.direction, src: ingress ? peer : member, dst: ingress ? member : peer };
  const p = r.rule.protocol;
  switch (p.kind) {
    case 'tcp':
    case 'udp':
      return { ...base, protocol: protocolNumber(p)!, port: p.ports[0]!.from };
    case 'icmp':
    case 'icmpv6':
      return { ...base, protocol: protocolNumber(p)!, icmpType: p.icmp.type ?? (p.kind === 'icmp' ? 8 : 128), icmpCode: p.icmp.code ?? 0 };
    case 'number':
      return { ...base, protocol: p.number };
    case 'any':
      return { ...base, protocol: 6, port: 443 };
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

/** Splits already-allowed rules into those the device confirms and those it does not. */
export async function confirmOnDevice(
  client: PanosClient,
  rules: readonly SyncRule[],
  groups: readonly ScopedGroup[],
  fw: { readonly zones: { readonly untrust: string; readonly trust: string } },
  ctx: WorkflowContext,
): Promise<{ agree: SyncRule[]; disagree: SyncRule[] }> {
  const agree: SyncRule[] = [];
  const disagree: SyncRule[] = [];
  for (const r of rules) {
    const members = groups.find((g) => g.groupId === r.groupId)?.addresses ?? [];
    const member = members.find((m) => r.rule.peer.kind !== 'list' || r.rule.peer.items.some((i) => i.kind === 'cidr' && i.version === (m.includes(':') ? 6 : 4))) ?? members[0];
    const flow = sampleFlow(r, member);
    if (!flow) {
      ctx.warn(`${r.groupId} ${r.label}: no running member to ask the firewall about; kept as already allowed`);
      agree.push(r);
      continue;
    }
    const match = await client.testSecurityPolicyMatch(flowQuery(flow, { from: fw.zones.untrust, to: fw.zones.trust }));
    if (match && match.action === 'allow' && !match.rule.startsWith(SYNC_RULE_PREFIX)) {
      agree.push(r);
    } else {
      ctx.warn(`${r.groupId} ${r.label}: the firewall does not confirm it is already allowed (${match ? `rule ${match.rule}, ${match.action ?? 'unknown action'}` : 'no rule matched'}); adding it`);
      disagree.push(r);
    }
  }
  return { agree, disagree };
}
