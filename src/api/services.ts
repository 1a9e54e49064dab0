import type { Catalog } from '../catalog/index.js';
import type { GovernedData } from '../data/index.js';
import type {
  AdmittedCalls,
  ConverseInput,
  EndpointCaches,
  GroupNamesOf,
  LimitsEngine,
  ModelAccess,
  ModelRouter,
  PayloadLog,
  UsageMeter,
} from '../gateway/index.js';
import type { GuardrailService } from '../guardrails/index.js';
import type { GovernedRetrieval } from '../retrieval/index.js';

/** What the HTTP surfaces need from the layers below, built once at start-up. */
export interface ApiServices {
  router: ModelRouter;
  /** QUERY on the serving endpoint that governs a model id, checked and audited before every call. */
  access: ModelAccess;
  catalog: Catalog;
  /** Governed tables, volumes and SQL. */
  data: GovernedData;
  /** Vector indexes and knowledge bases over the governed data (docs/retrieval.md). */
  retrieval?: GovernedRetrieval;
  /** Meters every model call into the usage store and the Prometheus metrics (absent: calls are not metered). */
  usage?: UsageMeter;
  /**
   * Rate limits, budgets and provisioned concurrency (docs/limits.md), checked after the access check
   * and settled when the call's usage record is finished (so only with a meter).
   */
  limits?: { engine: LimitsEngine; admitted: AdmittedCalls; groupNamesOf: GroupNamesOf };
  /** Guardrail objects and their application (docs/guardrails.md); absent: guardrailConfig is refused. */
  guardrails?: GuardrailService;
  /** Response caches of the endpoints that opt in (`endpoints.<name>.cache`); Converse only. */
  responseCache?: EndpointCaches;
  /** Payload logging to inference tables (`endpoints.<name>.inferenceTable`). */
  payloadLog?: PayloadLog;
  /** A provider-independent estimate, for models whose provider cannot count tokens itself. */
  estimateInputTokens(input: ConverseInput): number;
}
