export {
  DEMO_AZURE_TRAFFIC,
  DEMO_SERVICE_TAGS,
  DEMO_THREAT_LIST,
  STORAGE_ACCOUNT_IP,
} from './azure-services.js';
export { type Expectation, groundTruth, INCIDENTS, type Incident } from './incidents.js';
export { LiveFeed, type LiveFeedOptions, type LiveFeedStatus } from './live.js';
export { nsgDefinitions } from './nsg-definitions.js';
export { blobName, CONTAINERS } from './records.js';
export { type ScenarioFiles, simulateToDirectory } from './scenario.js';
export { type SimulatedRecord, Simulation, type SimulationOptions } from './simulation.js';
export { HOSTS, NSGS } from './topology.js';
export { AzureLikeBlobWriter, ensureContainers } from './writers/azure-blob.js';
export { DirectoryWriter } from './writers/directory.js';
