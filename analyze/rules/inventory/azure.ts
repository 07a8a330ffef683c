import { NetworkManagementClient } from '@azure/arm-network';
import { DefaultAzureCredential } from '@azure/identity';
import { PermanentError } from '../../../core/errors.js';
import type { NsgLister } from './sdk.js';

/**
 * The real lister: `NetworkManagementClient.networkSecurityGroups.listAll` with
 * `DefaultAzureCredential` (environment, workload identity, managed identity, Azure CLI login…).
 * @see https://learn.microsoft.com/javascript/api/@azure/identity/defaultazurecredential
 */
export function azureNsgLister(subscriptionId: string): NsgLister {
  const client = new NetworkManagementClient(new DefaultAzureCredential(), subscriptionId);
  return { listAll: () => client.networkSecurityGroups.listAll() };
}

/** Turns a credential failure into a clear, permanent error (no point retrying without a login). */
export function classifyAzureError(err: unknown): Error {
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (
    name === 'CredentialUnavailableError' ||
    name === 'AuthenticationError' ||
    /credential/i.test(message)
  ) {
    return new PermanentError(
      `no Azure credentials: sign in with \`az login\`, or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or run with a managed identity (${firstLine(message)})`,
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(message);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
