import type { FlowContext, FlowFormat } from '../../core/flow/context.js';
import { aclNsg, classifyRule, isGuid, normalizeMac, parseArmId, recordTime } from './azure-ids.js';
import type { BlobNameInfo } from './blob-name.js';
import { type JsonObject, type JsonValue, TupleRun } from './json-reader.js';

/**
 * Fills the FlowContexts of one parsed record. Tuples were already scanned (key order is free, so
 * a group's `rule` may follow its `flowTuples`); each `flowTuples` array left a {@link TupleRun}
 * holding its context id, and this walk writes record- and group-level facts into those contexts.
 */

export type RecordKind = 'nsg' | 'vnet' | 'connector';

/** Which format a record is, or why it is none: `[kind]` or `[null, reason-detail, missing?]`. */
export function recordKind(
  rec: JsonValue,
): { kind: RecordKind } | { kind: null; missing: boolean; detail: string } {
  const o = obj(rec);
  if (!o) return { kind: null, missing: false, detail: 'record is not a JSON object' };
  if (o.flowRecords !== undefined) {
    if (Array.isArray(obj(o.flowRecords)?.flows)) return { kind: 'vnet' };
    return { kind: null, missing: true, detail: 'flowRecords.flows is not an array' };
  }
  if (o.properties !== undefined) {
    if (Array.isArray(obj(o.properties)?.flows)) return { kind: 'nsg' };
    return { kind: null, missing: true, detail: 'properties.flows is not an array' };
  }
  // The connector's other layouts (2018 Splunk-shaped `rt`, `src`, `dst`, `spt`, `dpt`) also carry
  // `nsgRuleName`; without the tuple fields flowlens reads they are an unknown shape, not bad tuples.
  if (typeof o.nsgRuleName === 'string') {
    if (o.startTime !== undefined || o.sourceAddress !== undefined) return { kind: 'connector' };
    return {
      kind: null,
      missing: false,
      detail: 'nsgRuleName without startTime/sourceAddress: not a connector layout flowlens reads',
    };
  }
  if (o.records !== undefined) {
    return { kind: null, missing: false, detail: '{"records":[…]} nested inside a records array' };
  }
  return { kind: null, missing: false, detail: 'no properties.flows, flowRecords.flows or nsgRuleName' };
}

/** Reports a group whose `flowTuples` is present but not an array. */
export type BadGroup = (detail: string) => void;

export function fillNsg(rec: JsonObject, contexts: FlowContext[], ids: number[], onBad: BadGroup): void {
  const props = obj(rec.properties)!;
  const version = props.Version ?? props.version;
  const resourceId = str(rec.resourceId ?? rec.resourceID ?? rec.resourceid);
  const arm = parseArmId(resourceId);
  const base = {
    subscriptionId: arm?.subscriptionId ?? '',
    resourceGroup: arm?.resourceGroup ?? '',
    // SDN firewall auditing (Windows Server, Azure Stack HCI) names the ACL by GUID: keep it as the
    // NSG identity, as VNet records with GUID aclIDs do.
    nsg: arm?.nsg ?? (isGuid(resourceId) ? resourceId.toLowerCase() : ''),
    targetResource: resourceId,
    mac: normalizeMac(str(rec.macAddress)),
    recordTimeMs: recordTime(rec.time) ?? 0, // unreadable: rejected by the caller
  };
  for (const id of ids) Object.assign(contexts[id]!, base);
  for (const ruleGroup of list(props.flows)) {
    const rule = str(obj(ruleGroup)?.rule);
    const named = classifyRule(rule, false);
    for (const macGroup of list(obj(ruleGroup)?.flows)) {
      const ctx = groupContext(obj(macGroup), contexts, onBad);
      if (!ctx) continue;
      ctx.context.rule = rule;
      ctx.context.ruleName = named.ruleName;
      ctx.context.ruleKind = named.ruleKind;
      const mac = str(obj(macGroup)?.mac);
      if (mac) ctx.context.mac = normalizeMac(mac);
      ctx.context.format = nsgFormat(version, ctx.run);
    }
  }
}

export function fillVnet(rec: JsonObject, contexts: FlowContext[], ids: number[], onBad: BadGroup): void {
  const flowLog = str(rec.flowLogResourceID ?? rec.flowLogResourceId ?? rec.resourceId);
  const target = str(rec.targetResourceID ?? rec.targetResourceId);
  const fallback = parseArmId(target) ?? parseArmId(flowLog);
  const base = {
    format: 'vnet' as FlowFormat,
    subscriptionId: fallback?.subscriptionId ?? '',
    resourceGroup: parseArmId(target)?.resourceGroup ?? '',
    targetResource: target,
    flowLog,
    mac: normalizeMac(str(rec.macAddress)),
    recordTimeMs: recordTime(rec.time) ?? 0, // unreadable: rejected by the caller
  };
  for (const id of ids) Object.assign(contexts[id]!, base);
  for (const acl of list(obj(rec.flowRecords)?.flows)) {
    const aclId = str(obj(acl)?.aclID ?? obj(acl)?.aclId);
    const owner = aclNsg(aclId);
    for (const group of list(obj(acl)?.flowGroups)) {
      const ctx = groupContext(obj(group), contexts, onBad);
      if (!ctx) continue;
      const c = ctx.context;
      const rule = str(obj(group)?.rule);
      Object.assign(c, classifyRule(rule, true), { rule, aclId, nsg: owner.nsg });
      if (owner.arm) {
        c.subscriptionId = owner.arm.subscriptionId;
        c.resourceGroup = owner.arm.resourceGroup;
      }
    }
  }
}

/** Fills what a record lacks from its blob path (docs/reference/flow-logs.md §1a/§1b). */
export function fillFromBlob(ctx: FlowContext, blob: BlobNameInfo): void {
  if (!ctx.mac) ctx.mac = blob.mac;
  if (!ctx.subscriptionId && blob.subscriptionId) ctx.subscriptionId = blob.subscriptionId;
  if (blob.kind === 'nsg') {
    if (!ctx.resourceGroup && blob.resourceGroup) ctx.resourceGroup = blob.resourceGroup;
    if (!ctx.nsg && blob.nsg) ctx.nsg = blob.nsg;
  } else if (!ctx.flowLog && blob.flowLog) ctx.flowLog = blob.flowLog;
}

function groupContext(
  group: JsonObject | null,
  contexts: FlowContext[],
  onBad: BadGroup,
): { context: FlowContext; run: TupleRun } | null {
  const run = group?.flowTuples;
  if (!(run instanceof TupleRun)) {
    if (run !== undefined) onBad('flowTuples is not an array');
    return null;
  }
  const context = run.ctx >= 0 ? contexts[run.ctx] : undefined;
  return context ? { context, run } : null;
}

function nsgFormat(version: JsonValue | undefined, run: TupleRun): FlowFormat {
  // SDN firewall auditing writes "Version":"1.0" (a string).
  const v = typeof version === 'string' ? Number(version) : version;
  if (v === 1) return 'nsg-v1';
  if (v === 2) return 'nsg-v2';
  return run.narrow > 0 && run.wide === 0 ? 'nsg-v1' : 'nsg-v2';
}

export function obj(v: JsonValue | undefined): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof TupleRun) ? v : null;
}

export function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function list(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : [];
}
