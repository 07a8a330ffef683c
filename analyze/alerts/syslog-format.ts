import type { Finding, Severity } from '../../core/finding.js';
import { protocolName } from '../ports.js';

/** RFC 5424 §6.2.1 severities: crit 2, err 3, warning 4, notice 5, informational 6. */
const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
/** CEF severity 0–10 (ArcSight: 0–3 low, 4–6 medium, 7–8 high, 9–10 very high). */
const CEF_SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

/**
 * Private enterprise number used in the structured-data id. 32473 is the number IANA reserves for
 * documentation (RFC 5612); deployments that own a PEN can change it.
 */
export const SD_ID = 'flowlens@32473';

export interface SyslogHeader {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/**
 * RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. MSG is sent as
 * MSG-ANY (no BOM), which is what most collectors expect.
 * @see https://www.rfc-editor.org/rfc/rfc5424#section-6
 */
export function rfc5424(f: Finding, h: SyslogHeader, time: Date, msg = `${f.title}: ${f.reason}`): string {
  const pri = h.facility * 8 + SYSLOG_SEVERITY[f.severity];
  const params: [string, string | number | undefined][] = [
    ['id', f.id],
    ['category', f.category],
    ['severity', f.severity],
    ['ip', f.subject.ip],
    ['remoteIp', f.subject.remoteIp],
    ['port', f.subject.port],
    ['nsg', f.subject.nsg],
    ['rule', f.subject.rule],
    ['firstSeen', f.firstSeen],
    ['lastSeen', f.lastSeen],
  ];
  const sd = `[${SD_ID}${params
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${sdEscape(String(v))}"`)
    .join('')}]`;
  const header = [
    `<${pri}>1`,
    time.toISOString(),
    token(h.hostname, 255),
    token(h.appName, 48),
    token(h.procId, 128),
    token(f.category, 32),
  ].join(' ');
  return `${header} ${sd} ${msg.replace(/[\r\n]+/g, ' ')}`;
}

/** SD-PARAM values escape `"`, `\` and `]` (RFC 5424 §6.3.3). */
export function sdEscape(v: string): string {
  return v.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

/** Header fields are printable US-ASCII without spaces; `-` is NILVALUE. */
function token(v: string, max: number): string {
  const clean = v.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean || '-';
}

/**
 * ArcSight Common Event Format: `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension`.
 * Header fields escape `\` and `|`; extension values escape `\`, `=` and newlines.
 * @see https://www.microfocus.com/documentation/arcsight/arcsight-smartconnectors-8.4/pdfdoc/cef-implementation-standard/cef-implementation-standard.pdf
 * @see https://learn.microsoft.com/azure/sentinel/cef-name-mapping
 */
export function cef(f: Finding, version: string): string {
  const header = [
    'CEF:0',
    'flowlens',
    'flowlens',
    version,
    f.category,
    f.title,
    String(CEF_SEVERITY[f.severity]),
  ]
    .map((v, i) => (i === 0 ? v : cefHeaderEscape(v)))
    .join('|');
  // Subject `ip` is our host, `remoteIp` the other end; egress categories are initiated by our host.
  const outbound = f.category === 'exfiltration' || f.category === 'beaconing';
  const ext: [string, string | number | undefined][] = [
    ['rt', Date.parse(f.lastSeen)],
    ['start', Date.parse(f.firstSeen)],
    ['end', Date.parse(f.lastSeen)],
    ['src', outbound ? f.subject.ip : f.subject.remoteIp],
    ['dst', outbound ? f.subject.remoteIp : f.subject.ip],
    ['dpt', f.subject.port],
    ['proto', f.subject.protocol !== undefined ? protocolName(f.subject.protocol) : undefined],
    ['cnt', f.evidence.flows],
    ['externalId', f.id],
    ['cat', f.category],
    ['cs1Label', f.subject.nsg ? 'nsg' : undefined],
    ['cs1', f.subject.nsg],
    ['cs2Label', f.subject.rule ? 'rule' : undefined],
    ['cs2', f.subject.rule],
    ['msg', f.reason],
  ];
  const extension = ext
    .filter(([, v]) => v !== undefined && v !== '' && !(typeof v === 'number' && Number.isNaN(v)))
    .map(([k, v]) => `${k}=${cefValueEscape(String(v))}`)
    .join(' ');
  return `${header}|${extension}`;
}

export function cefHeaderEscape(v: string): string {
  return v.replace(/[\\|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

export function cefValueEscape(v: string): string {
  return v.replace(/[\\=]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
}
