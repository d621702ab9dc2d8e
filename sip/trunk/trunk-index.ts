import { BlockList, isIPv6 } from 'node:net';
import type { SipOrg, SipTrunk } from '../directory.ts';

export interface TrunkMatch {
  org: SipOrg;
  trunk: SipTrunk;
}

/**
 * Which organizations' trunks accept traffic from a source address: exact addresses in a map,
 * CIDR blocks in node's BlockList. Rebuilt whenever an organization's configuration changes.
 */
export class TrunkIndex {
  private exact = new Map<string, TrunkMatch[]>();
  private blocks: Array<{ list: BlockList; match: TrunkMatch }> = [];

  rebuild(orgs: Iterable<SipOrg>): void {
    const exact = new Map<string, TrunkMatch[]>();
    const blocks: Array<{ list: BlockList; match: TrunkMatch }> = [];
    for (const org of orgs) {
      for (const trunk of org.trunks) {
        for (const a of trunk.inboundAddresses) {
          const match = { org, trunk };
          const slash = a.indexOf('/');
          if (slash < 0) {
            const key = normalize(a);
            const list = exact.get(key);
            if (list) list.push(match);
            else exact.set(key, [match]);
          } else {
            const list = new BlockList();
            const net = a.slice(0, slash);
            list.addSubnet(net, Number(a.slice(slash + 1)), isIPv6(net) ? 'ipv6' : 'ipv4');
            blocks.push({ list, match });
          }
        }
      }
    }
    this.exact = exact;
    this.blocks = blocks;
  }

  lookup(address: string): TrunkMatch[] {
    const key = normalize(address);
    const found = this.exact.get(key);
    if (this.blocks.length === 0) return found ?? [];
    const out = found ? [...found] : [];
    const family = isIPv6(key) ? 'ipv6' : 'ipv4';
    for (const b of this.blocks) if (b.list.check(key, family)) out.push(b.match);
    return out;
  }
}

function normalize(a: string): string {
  const s = a.toLowerCase();
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s;
}
