/**
 * `127.0.0.0/8`, `localhost` and `::1` (bracketed or not): the one loopback check, for the address
 * the server binds (server.ts) and for request Host names a DNS-rebinding page cannot claim
 * (middleware/host-guard.ts).
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
