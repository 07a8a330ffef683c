export { ESTATE_ASNS, ESTATE_SERVICE_TAGS } from './enrichment.js';
export { type Estate, type EstateOptions, generateEstate } from './generate.js';
export { ESTATE_INCIDENTS, type EstateIncident } from './incidents.js';
export { estateNsgDocument } from './nsgs.js';
export type { EstateFlowRow } from './rows.js';
export { type EstateScore, formatEstateScore, scoreEstate } from './score.js';
export { AKS_POD_CIDR, ESTATE_HOSTS, ESTATE_SUBNETS } from './topology.js';
