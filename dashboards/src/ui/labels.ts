/** Display names shared by several pages (kept out of the pages so pages never import each other in a cycle). */
export function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : String(p);
}
