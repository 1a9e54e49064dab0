import type { ConverseInput, ModelRouter } from '../gateway/index.js';

/** What the HTTP surfaces need from the layers below, built once at start-up. */
export interface ApiServices {
  router: ModelRouter;
  /** A provider-independent estimate, for models whose provider cannot count tokens itself. */
  estimateInputTokens(input: ConverseInput): number;
}
