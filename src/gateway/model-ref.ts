import { validationError } from '../core/index.js';

export interface ModelRef {
  provider: string;
  model: string;
}

/** `provider/model`, split at the first slash: Bedrock ARNs and Hugging Face ids keep theirs. */
export function parseModelRef(id: string): ModelRef | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { provider: id.slice(0, slash), model: id.slice(slash + 1) };
}

export function requireModelRef(id: string): ModelRef {
  const ref = parseModelRef(id);
  if (!ref) throw validationError(`"${id}" is not of the form provider/model.`);
  return ref;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}
