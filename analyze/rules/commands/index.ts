import type { NsgRule } from '../model/types.js';
import { azDelete, azUpdate, type RuleLocation } from './az.js';
import { bicepDelete, bicepRule } from './bicep.js';
import { terraformDelete, terraformRule } from './terraform.js';

export interface RuleCommands {
  az: string;
  bicep: string;
  terraform: string;
}

/** Commands for a recommendation: delete for `remove`, the proposed rule for `narrow`, none for `review`. */
export function ruleCommands(
  loc: RuleLocation,
  current: NsgRule,
  proposed: NsgRule | null,
  action: 'remove' | 'narrow' | 'review',
): RuleCommands {
  if (action === 'remove')
    return {
      az: azDelete(loc, current),
      bicep: bicepDelete(loc, current),
      terraform: terraformDelete(loc, current),
    };
  if (proposed)
    return {
      az: azUpdate(loc, proposed),
      bicep: bicepRule(loc, proposed),
      terraform: terraformRule(loc, proposed),
    };
  const note = `review rule ${current.name} in NSG ${loc.nsg}; no change proposed automatically`;
  return { az: `# ${note}`, bicep: `// ${note}`, terraform: `# ${note}` };
}
