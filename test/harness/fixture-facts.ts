/**
 * Facts from public sources whose files are not redistributed here (licence; see
 * test/fixtures/README.md). Only the values a test needs are kept; the records are rebuilt from
 * them by flowlens's own code, in the documented Azure shapes.
 */

/**
 * The flat per-tuple record Microsoft's NSG flow-log connector (2018) put on Event Hubs, as
 * reported in microsoft/AzureNetworkWatcherNSGFlowLogsConnector issue #26 (field names and values).
 */
export const CONNECTOR_RECORD: Readonly<Record<string, unknown>> = {
  time: '2021-09-10T20:02:30.0094229Z',
  category: 'NetworkSecurityGroupFlowEvent',
  operationName: 'NetworkSecurityGroupFlowEvents',
  resourceId:
    '/SUBSCRIPTIONS/F9EA7F5D-324F-4C97-8B60-6734F9DC6F76/RESOURCEGROUPS/SIC-DEMO-DEV/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SICDEMO-NSG',
  version: 2.0,
  nsgRuleName: 'DefaultRule_AllowVnetInBound',
  mac: '000D3A3CECED',
  startTime: '1631304101',
  sourceAddress: '172.16.0.9',
  destinationAddress: '172.16.0.11',
  sourcePort: '61914',
  destinationPort: '80',
  transportProtocol: 'T',
  deviceDirection: 'I',
  deviceAction: 'A',
  flowState: 'B',
};

/** The Event Hubs message body carrying {@link CONNECTOR_RECORD}: `{"records":[record]}`. */
export function connectorMessageBody(): Buffer {
  return Buffer.from(JSON.stringify({ records: [CONNECTOR_RECORD] }));
}

/** One tuple as Elastic's ingest pipeline test expects it (ECS-style names, from its expected output). */
export interface ElasticTupleFact {
  timestamp: string;
  source: { ip: string; port: number };
  destination: { ip: string; port: number };
  protocol: string;
  packets: { sent: number; received: number };
  bytes: { sent: number; received: number };
  flow_state?: string;
  traffic?: { decision: string; flow: string };
  flow?: { direction: string; state: string; encryption: string };
}

/** Input and expected output of one pipeline test of elastic/integrations (Elastic License 2.0). */
export interface ElasticParityCase {
  label: string;
  /** The flow-log record of the test input, rebuilt from its values. */
  record: Record<string, unknown>;
  rule: string;
  /** MAC as Elastic prints it (dash-separated). */
  mac: string;
  /** Record time as Elastic parses it. */
  time: string;
  tuples: ElasticTupleFact[];
}

const ZERO_SUB = '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000';

/** `azure_network_watcher_nsg` … `_dev/test/pipeline/test-nsg.log` and its `-expected.json`. */
const NSG_CASE: ElasticParityCase = {
  label: 'NSG',
  record: {
    time: '2018-11-13T12:00:35.3899262Z',
    category: 'NetworkSecurityGroupFlowEvent',
    resourceId: `${ZERO_SUB}/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG`,
    operationName: 'NetworkSecurityGroupFlowEvents',
    properties: {
      Version: 2,
      flows: [
        {
          rule: 'DefaultRule_AllowInternetOutBound',
          flows: [
            {
              mac: '000D3AF87856',
              flowTuples: ['1542110379,1.128.0.0,1.128.0.1,59932,443,T,O,A,E,1,66,1,66'],
            },
          ],
        },
      ],
    },
  },
  rule: 'DefaultRule_AllowInternetOutBound',
  mac: '00-0D-3A-F8-78-56',
  time: '2018-11-13T12:00:35.389Z',
  tuples: [
    {
      timestamp: '2018-11-13T11:59:39.000Z',
      source: { ip: '1.128.0.0', port: 59932 },
      destination: { ip: '1.128.0.1', port: 443 },
      protocol: 'TCP',
      packets: { sent: 1, received: 1 },
      bytes: { sent: 66, received: 66 },
      flow_state: 'End',
      traffic: { decision: 'Allowed', flow: 'Outbound' },
    },
  ],
};

/** `azure_network_watcher_vnet` … `_dev/test/pipeline/test-vnet.log` and its `-expected.json`. */
const VNET_CASE: ElasticParityCase = {
  label: 'VNet',
  record: {
    time: '2022-09-14T09:00:52.5625085Z',
    flowLogVersion: 4,
    macAddress: '0022487bC205',
    category: 'FlowLogFlowEvent',
    flowLogResourceID: `${ZERO_SUB}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS2EUAP/FLOWLOGS/VNETFLOWLOG`,
    targetResourceID:
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Network/virtualNetworks/myVNet',
    operationName: 'FlowLogFlowEvent',
    flowRecords: {
      flows: [
        {
          aclID: '00000000-1234-abcd-ef00-c1c2c3c4c5c6',
          flowGroups: [
            {
              rule: 'DefaultRule_AllowInternetOutBound',
              flowTuples: [
                '1663146003599,1.128.0.0,175.16.199.0,23956,443,6,O,B,NX,0,0,0,0',
                '1663146003606,216.160.83.56,81.2.69.142,36776,443,6,O,E,NX,22,2217,33,0',
              ],
            },
          ],
        },
      ],
    },
  },
  rule: 'DefaultRule_AllowInternetOutBound',
  mac: '00-22-48-7B-C2-05',
  time: '2022-09-14T09:00:52.562Z',
  tuples: [
    {
      timestamp: '2022-09-14T09:00:03.599Z',
      source: { ip: '1.128.0.0', port: 23956 },
      destination: { ip: '175.16.199.0', port: 443 },
      protocol: '6',
      packets: { sent: 0, received: 0 },
      bytes: { sent: 0, received: 0 },
      flow: { direction: 'Outbound', state: 'Begin', encryption: 'NX' },
    },
    {
      timestamp: '2022-09-14T09:00:03.606Z',
      source: { ip: '216.160.83.56', port: 36776 },
      destination: { ip: '81.2.69.142', port: 443 },
      protocol: '6',
      packets: { sent: 22, received: 33 },
      bytes: { sent: 2217, received: 0 },
      flow: { direction: 'Outbound', state: 'End', encryption: 'NX' },
    },
  ],
};

export const ELASTIC_PARITY_CASES: readonly ElasticParityCase[] = [NSG_CASE, VNET_CASE];
