import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';

/**
 * How to reach the storage account, with secrets already resolved by the CLI (from the environment).
 * - connection string (account key or SAS inside),
 * - account URL + account key,
 * - SAS URL of the account (`https://acct.blob.core.windows.net/?sv=…`) or of one container,
 * - account URL + DefaultAzureCredential (managed identity, workload identity, az login…).
 * @see https://learn.microsoft.com/azure/storage/blobs/storage-blob-javascript-get-started
 */
export type BlobAuth =
  | { method: 'connection-string'; connectionString: string }
  | { method: 'account-key'; accountUrl: string; accountName: string; accountKey: string }
  | { method: 'sas-url'; url: string }
  | { method: 'default-credential'; accountUrl: string };

/** Either the whole account, or one container when a container SAS URL is all we have. */
export interface BlobTarget {
  /** Stable account label for cursor keys (account name, or URL host+path). */
  account: string;
  service?: BlobServiceClient;
  /** Set when the auth names a single container. */
  container?: ContainerClient;
}

export function createBlobTarget(auth: BlobAuth): BlobTarget {
  switch (auth.method) {
    case 'connection-string': {
      const service = BlobServiceClient.fromConnectionString(auth.connectionString);
      return { account: service.accountName || hostOf(service.url), service };
    }
    case 'account-key': {
      const cred = new StorageSharedKeyCredential(auth.accountName, auth.accountKey);
      return { account: auth.accountName, service: new BlobServiceClient(auth.accountUrl, cred) };
    }
    case 'default-credential': {
      const service = new BlobServiceClient(auth.accountUrl, new DefaultAzureCredential());
      return { account: service.accountName || hostOf(auth.accountUrl), service };
    }
    case 'sas-url':
      return fromSasUrl(auth.url);
  }
}

function fromSasUrl(url: string): BlobTarget {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter(Boolean);
  // Azurite and other path-style endpoints put the account name first in the path.
  const pathStyle = /^\d+\.\d+\.\d+\.\d+$|^localhost$/.test(u.hostname);
  const containerSegment = pathStyle ? segments[1] : segments[0];
  if (containerSegment) {
    const container = new ContainerClient(url);
    return { account: container.accountName || hostOf(url), container };
  }
  const service = new BlobServiceClient(url);
  return { account: service.accountName || hostOf(url), service };
}

function hostOf(url: string): string {
  return new URL(url).host;
}

/** The containers to tail: the named ones on the account, or the one container of a container SAS. */
export function containersOf(target: BlobTarget, names: readonly string[]): ContainerClient[] {
  if (target.container) return [target.container];
  return names.map((n) => target.service!.getContainerClient(n));
}
