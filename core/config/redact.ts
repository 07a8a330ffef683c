/**
 * The one redaction rule for every output: `config print`, logs, error messages and API responses.
 * - Secrets by name: values under keys such as password, secret, token, connectionString, sas,
 *   apiKey/x-api-key, authorization, cookie, hash/keyHash, `key`, and kinds of keys that are secrets
 *   (privateKey, accessKey, accountKey, signingKey, sharedKey, …) at any depth (new sections too).
 *   Names that merely end in "key" (partitionKey, sortKey, routingKey) hold no secret, nor do names
 *   that only contain a secret word (`credentialed`, `sasl` settings such as its mechanism).
 * - Credentials in URLs: `user:password@`, the query string (SAS `sig=`, Teams `sig=`), a Slack
 *   incoming-webhook path (the path is the token), token-like path segments (≥ 24 characters of
 *   letters and digits) and path segments after a prefix registered as secret (`log.secretUrlPaths`).
 * - In free text: `Bearer …`, `Authorization:`/`X-API-Key:` header values, `sha256:<hex>` key hashes,
 *   `flk_…` API keys, connection-string fields (`AccountKey=`, `SharedAccessKey=`,
 *   `SharedAccessSignature=`, `sig=`, `password=`, `pwd=`), URLs as above, and any value a loaded
 *   config holds under a secret name.
 * @see https://api.slack.com/messaging/webhooks
 */
const SECRET_KEY =
  /(password|passwd|secret|connectionstring|accountkey|sas(token|url)?$|token|api[-_]?key|authorization|cookie|credentials?$|(^|key)hash(es)?$|keys?hash$|(^|[-_.])key$|(private|access|account|signing|secret|client|encryption|master|shared|storage|subscription|primary|secondary|hmac|host|admin|function)[-_]?keys?$)/i;
/** Names that match SECRET_KEY but hold no secret: env var names, the redaction list itself. */
const NOT_SECRET = /(Env|UrlPaths)$/;
const MASK = '***';

function isSecretKey(key: string): boolean {
  return key !== '' && SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/** URL prefixes (`host/path`) after which every path segment is a secret. Grows as configs load. */
const secretPaths = new Set<string>([
  'hooks.slack.com/',
  'discord.com/api/webhooks/',
  'discordapp.com/api/webhooks/',
]);
/** Literal secret values from loaded configs, masked wherever they appear in text. */
const secretValues = new Set<string>();

/** Registers a config's secrets (values under secret names, `log.secretUrlPaths`) for text redaction. */
export function registerSecrets(config: unknown): void {
  collect(config, '');
  const paths = (config as { log?: { secretUrlPaths?: unknown } } | null)?.log?.secretUrlPaths;
  if (Array.isArray(paths))
    for (const p of paths) if (typeof p === 'string') secretPaths.add(normalizePrefix(p));
}

function collect(value: unknown, key: string): void {
  if (Array.isArray(value)) for (const v of value) collect(v, key);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collect(v, k);
  } else if (typeof value === 'string' && value.length >= 6 && isSecretKey(key)) {
    secretValues.add(value);
  }
}

function normalizePrefix(p: string): string {
  const bare = p.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').toLowerCase();
  return bare.endsWith('/') ? bare : `${bare}/`;
}

/** A copy with every secret masked; structure and harmless values kept (what an operator checks). */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key));
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message), stack: redactText(value.stack ?? '') };
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  }
  if (isSecretKey(key) && value !== undefined && value !== null && value !== '') return MASK;
  if (typeof value === 'string') return redactText(value);
  return value;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** Masks credentials inside free text (log messages, error messages). */
export function redactText(text: string): string {
  let out = text
    .replace(URL_IN_TEXT, (u) => redactUrl(u))
    .replace(/\b(Bearer|Basic)\s+[\w.~+/=-]+/gi, `$1 ${MASK}`)
    .replace(/\b(authorization|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, `$1$2${MASK}`)
    .replace(/\bsha256:[0-9a-f]{64}\b/gi, `sha256:${MASK}`)
    .replace(/\bflk_[\w-]{8,}/g, `flk_${MASK}`)
    // A SAS is itself `sv=…&sig=…`: masked up to the field's end.
    .replace(/\b(SharedAccessSignature\s*=\s*)[^;\s"']+/gi, `$1${MASK}`)
    .replace(/\b(AccountKey|SharedAccessKey|sig|password|pwd)(\s*=\s*["']?)[^;&\s"']+/gi, `$1$2${MASK}`);
  for (const s of secretValues) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** Keeps scheme, host and port; masks credentials, the query and secret path segments. */
function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const path = redactPath(url.host.toLowerCase(), url.pathname);
  if (!url.username && !url.password && !url.search && path === url.pathname) return text;
  const user = url.username || url.password ? `${url.username}${url.password ? `:${MASK}` : ''}@` : '';
  return `${url.protocol}//${user}${url.host}${path}${url.search ? `?${MASK}` : ''}`;
}

function redactPath(host: string, pathname: string): string {
  const full = `${host}${pathname}`.toLowerCase();
  for (const prefix of secretPaths) {
    if (full.startsWith(prefix) || `${full}/` === prefix) {
      const keep = prefix.length - host.length;
      return `${pathname.slice(0, keep)}${pathname.length > keep ? MASK : ''}`;
    }
  }
  return pathname
    .split('/')
    .map((seg) => (/^[\w-]{24,}$/.test(seg) && /\d/.test(seg) && /[a-z]/i.test(seg) ? MASK : seg))
    .join('/');
}
