/** Keys whose values are secrets; matched case-insensitively anywhere in the config tree. */
const SECRET_KEY = /(password|secret|connectionstring|accountkey|sas|token|apikey|key(hash)?s?$)/i;

/**
 * A copy of the config with every secret replaced by "***" (or "(unset)"), for `config print`,
 * logs and the API. Unknown nesting is handled generically so new sections are covered too.
 */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, k)]));
  }
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== '') return '***';
  return value;
}
