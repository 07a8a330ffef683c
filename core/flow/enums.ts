/**
 * Numeric codes used in the columnar batch. They equal the ClickHouse Enum8 values of the
 * `flows` table (see core/clickhouse/migrations/0001_flows.ts), so the Native encoder can copy them.
 */
export const Direction = { inbound: 1, outbound: 2 } as const;
export const Action = { allow: 1, deny: 2 } as const;
/** `none` = NSG v1 (no state column). `deny` = VNet state `D`. */
export const FlowState = { none: 0, begin: 1, continue: 2, end: 3, deny: 4 } as const;

export type DirectionName = keyof typeof Direction;
export type ActionName = keyof typeof Action;
export type FlowStateName = keyof typeof FlowState;

export const DIRECTION_NAMES: Record<number, DirectionName> = { 1: 'inbound', 2: 'outbound' };
export const ACTION_NAMES: Record<number, ActionName> = { 1: 'allow', 2: 'deny' };
export const STATE_NAMES: Record<number, FlowStateName> = {
  0: 'none',
  1: 'begin',
  2: 'continue',
  3: 'end',
  4: 'deny',
};
