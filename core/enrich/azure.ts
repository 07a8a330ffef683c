import { NetworkManagementClient } from '@azure/arm-network';
import { DefaultAzureCredential } from '@azure/identity';
import { type ServiceTagsFile, ServiceTagsFileSchema } from './service-tags.js';

/**
 * `serviceTags.list(location)` through ARM with DefaultAzureCredential. The answer has the shape of
 * the weekly download, so it goes through the same schema and loader as `service-tags import`.
 * @see https://learn.microsoft.com/rest/api/virtualnetwork/service-tags/list
 */
export async function fetchServiceTags(subscriptionId: string, location: string): Promise<ServiceTagsFile> {
  const client = new NetworkManagementClient(new DefaultAzureCredential(), subscriptionId);
  const answer = await client.serviceTags.list(location);
  return ServiceTagsFileSchema.parse(answer);
}

/** The ARM network client `rules sync` reads the VNet/gateway inventory with (DefaultAzureCredential). */
export function armNetworkClient(subscriptionId: string): NetworkManagementClient {
  return new NetworkManagementClient(new DefaultAzureCredential(), subscriptionId);
}
