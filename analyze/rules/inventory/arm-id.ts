/**
 * Parts of an ARM resource id: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}…`.
 * Segment names are matched case-insensitively because flow logs upper-case whole ids.
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
export interface ArmIdParts {
  subscriptionId: string;
  resourceGroup: string;
  /** Name of the last typed segment (`networkSecurityGroups/<name>`), or ''. */
  nsgName: string;
}

export function parseArmId(id: string): ArmIdParts {
  const parts = id.split('/').filter(Boolean);
  const after = (key: string) => {
    const i = parts.findIndex((p) => p.toLowerCase() === key);
    return i >= 0 ? (parts[i + 1] ?? '') : '';
  };
  return {
    subscriptionId: after('subscriptions'),
    resourceGroup: after('resourcegroups'),
    nsgName: after('networksecuritygroups'),
  };
}

/** Does this text look like an ARM id (as opposed to a GUID or a bare name)? */
export function isArmId(text: string): boolean {
  return text.startsWith('/') && text.toLowerCase().includes('/providers/');
}
