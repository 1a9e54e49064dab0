// The real offline embedding model (`local/embed`) as the embedding function guardrails take, and a
// policy builder for tests.

import { createProvider } from '../models/index.js';
import type { EmbedTexts } from './embedding.js';
import { type GuardrailPolicy, guardrailPolicySchema } from './guardrail-policy.js';

const local = createProvider('local', { type: 'local' }, {});

export const localEmbed: EmbedTexts = async (texts) => {
  const response = await local.embed!({ modelId: 'embed', inputs: texts });
  return response.embeddings.map((e) => Array.from(e));
};

export function policy(parts: Partial<GuardrailPolicy> = {}): GuardrailPolicy {
  return guardrailPolicySchema.parse({
    blockedInputMessaging: 'Sorry, I cannot help with that request.',
    blockedOutputsMessaging: 'Sorry, the answer was withheld.',
    ...parts,
  });
}
