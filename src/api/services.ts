import type { Catalog } from '../catalog/index.js';
import type { GovernedData } from '../data/index.js';
import type { ConverseInput, ModelAccess, ModelRouter } from '../gateway/index.js';

/** What the HTTP surfaces need from the layers below, built once at start-up. */
export interface ApiServices {
  router: ModelRouter;
  /** QUERY on the serving endpoint that governs a model id, checked and audited before every call. */
  access: ModelAccess;
  catalog: Catalog;
  /** Governed tables, volumes and SQL. */
  data: GovernedData;
  /** A provider-independent estimate, for models whose provider cannot count tokens itself. */
  estimateInputTokens(input: ConverseInput): number;
}
