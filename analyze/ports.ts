/**
 * Management and data-store ports that should not be reachable from the internet.
 * Sources: CIS Microsoft Azure Foundations Benchmark v2.1 §6.1–6.4 (RDP, SSH, UDP, HTTP(S) from the
 * internet), Microsoft Defender for Cloud "Management ports should be closed on your virtual
 * machines" (22, 3389, 5985, 5986), and the usual data-store defaults (IANA registry).
 * @see https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-compute
 * @see https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml
 */
export const MANAGEMENT_PORTS: Readonly<Record<number, string>> = {
  21: 'FTP',
  22: 'SSH',
  23: 'Telnet',
  135: 'MS RPC',
  139: 'NetBIOS',
  445: 'SMB',
  1433: 'MSSQL',
  1521: 'Oracle',
  2375: 'Docker API',
  2376: 'Docker API (TLS)',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5900: 'VNC',
  5985: 'WinRM',
  5986: 'WinRM (TLS)',
  6379: 'Redis',
  6443: 'Kubernetes API',
  9200: 'Elasticsearch',
  10250: 'kubelet',
  11211: 'Memcached',
  27017: 'MongoDB',
};

/** Ports where repeated short logins mean password guessing (interactive or database logins). */
export const BRUTE_FORCE_PORTS = [21, 22, 23, 445, 1433, 3306, 3389, 5432, 5900, 5985, 5986];

export function portName(port: number): string {
  return MANAGEMENT_PORTS[port] ?? `port ${port}`;
}

export const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };

export function protocolName(p: number): string {
  return PROTOCOL_NAMES[p] ?? `proto ${p}`;
}
