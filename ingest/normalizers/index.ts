export { type BlobNameInfo, parseBlobName } from './blob-name.js';
export { normalize } from './normalize.js';
