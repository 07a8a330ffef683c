/** Keys whose values are secrets; matched case-insensitively anywhere in the config tree. */
const SECRET_KEY = /(password|secret|connectionstring|accountkey|sas|token|apikey|key(hash)?s?$)/i;

/**
 * A copy of the config with every secret replaced by "***" (or "(unset)"), for `config print`,
 * logs and the API. Unknown nesting is handled generically so new sections are covered too.
 * URLs are secrets too when they carry credentials: `user:pass@` (database.url), a query string
 * (SAS `sig=`, Teams workflow `sig=`) or a Slack incoming-webhook path, which is the token itself.
 * @see https://api.slack.com/messaging/webhooks
 */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  }
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== '') return '***';
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return redactUrl(value);
  return value;
}

/** Keeps scheme, host and port (what an operator checks); masks credentials, query and webhook paths. */
function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const slackHook = /(^|\.)hooks\.slack\.com$/i.test(url.hostname);
  if (!url.username && !url.password && !url.search && !slackHook) return text;
  const user = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  const path = slackHook ? '/***' : url.pathname;
  return `${url.protocol}//${user}${url.host}${path}${url.search ? '?***' : ''}`;
}
