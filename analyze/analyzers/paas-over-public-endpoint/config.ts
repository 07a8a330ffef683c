import { z } from 'zod';

/** Service-tag base names → the service-endpoint name and private-endpoint group id for the fix. */
export const PAAS_SERVICES: Readonly<Record<string, { endpoint: string; groupId: string; label: string }>> = {
  Storage: { endpoint: 'Microsoft.Storage', groupId: 'blob', label: 'Azure Storage' },
  Sql: { endpoint: 'Microsoft.Sql', groupId: 'sqlServer', label: 'Azure SQL' },
  AzureKeyVault: { endpoint: 'Microsoft.KeyVault', groupId: 'vault', label: 'Key Vault' },
  AzureCosmosDB: { endpoint: 'Microsoft.AzureCosmosDB', groupId: 'Sql', label: 'Cosmos DB' },
  EventHub: { endpoint: 'Microsoft.EventHub', groupId: 'namespace', label: 'Event Hubs' },
  ServiceBus: { endpoint: 'Microsoft.ServiceBus', groupId: 'namespace', label: 'Service Bus' },
  AzureContainerRegistry: {
    endpoint: 'Microsoft.ContainerRegistry',
    groupId: 'registry',
    label: 'Container Registry',
  },
};

export const PaasOverPublicConfigSchema = z
  .object({
    /** Service-tag base names (the part before the region) that should be reached privately. */
    services: z.array(z.string()).default(Object.keys(PAAS_SERVICES)),
    /** Source subnets are the local address masked to this length (IPv4; IPv6 uses /64). */
    subnetPrefixLength: z.number().int().min(8).max(32).default(24),
    /** Below this many flows per subnet and service, no finding. */
    minFlows: z.number().int().min(1).default(1),
  })
  .strict();
export type PaasOverPublicConfig = z.infer<typeof PaasOverPublicConfigSchema>;
