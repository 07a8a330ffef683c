import { z } from 'zod';

/**
 * Trust boundary for NSG definitions from files (`az network nsg list/show -o json`, ARM JSON) and
 * from the SDK. Loose on purpose: every field Azure may omit or null is optional, unknown fields pass.
 * Rule fields may sit under `properties` (ARM/REST) or directly on the rule (SDK/CLI, because the
 * spec marks `properties` `x-ms-client-flatten`).
 * @see https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get
 */
const str = z.string().nullish();
const strList = z.array(z.string()).nullish();
const asgList = z.array(z.looseObject({ id: str, name: str })).nullish();

export const RuleFieldsSchema = z.looseObject({
  description: str,
  protocol: str,
  sourcePortRange: str,
  sourcePortRanges: strList,
  destinationPortRange: str,
  destinationPortRanges: strList,
  sourceAddressPrefix: str,
  sourceAddressPrefixes: strList,
  destinationAddressPrefix: str,
  destinationAddressPrefixes: strList,
  sourceApplicationSecurityGroups: asgList,
  destinationApplicationSecurityGroups: asgList,
  access: str,
  priority: z.union([z.number(), z.string()]).nullish(),
  direction: str,
});

export const RawRuleSchema = RuleFieldsSchema.extend({
  name: z.string().min(1),
  id: str,
  type: str,
  properties: RuleFieldsSchema.nullish(),
});
export type RawRule = z.infer<typeof RawRuleSchema>;

const NsgFieldsSchema = z.looseObject({
  securityRules: z.array(z.unknown()).nullish(),
  defaultSecurityRules: z.array(z.unknown()).nullish(),
  resourceGuid: str,
});

export const RawNsgSchema = NsgFieldsSchema.extend({
  name: z.string().min(1),
  id: str,
  location: str,
  resourceGroup: str,
  type: str,
  properties: NsgFieldsSchema.nullish(),
});
export type RawNsg = z.infer<typeof RawNsgSchema>;
