import { defineAnalyzer } from '../../analyzer.js';
import { PaasOverPublicConfigSchema } from './config.js';
import { detectPaas, PAAS_CATEGORY } from './detect.js';
import { paasQuery } from './query.js';

/** VNet traffic to Azure PaaS (Storage, SQL, Key Vault, …) over public endpoints; recommends service/private endpoints. */
export const paasOverPublicEndpoint = defineAnalyzer({
  id: PAAS_CATEGORY,
  title: 'PaaS reached over a public endpoint',
  category: PAAS_CATEGORY,
  config: PaasOverPublicConfigSchema,
  query: (config, window) => paasQuery(config, window),
  detect: (rows, config) => detectPaas(rows, config),
});
