// What a caller sends to create or update a guardrail, validated before anything is written.

import { validationError } from '../core/index.js';
import { checkPolicySemantics, type GuardrailPolicy, guardrailPolicySchema } from './guardrail-policy.js';

export interface GuardrailInput {
  name: string;
  description?: string;
  /** CreateGuardrail's policy members and blocked messages, as sent. */
  policy: unknown;
}

export interface ValidGuardrailInput {
  name: string;
  description: string | null;
  policy: GuardrailPolicy;
}

const NAME = /^[0-9a-zA-Z_-]{1,50}$/;

export function validName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw validationError('name must be 1-50 letters, digits, "-" or "_".');
  }
  return name;
}

export function validDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string' || description.length > 200) {
    throw validationError('description must be a string of at most 200 characters.');
  }
  return description;
}

export function validPolicy(policy: unknown): GuardrailPolicy {
  const parsed = guardrailPolicySchema.safeParse(policy);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.map(String).join('.') ?? '';
    throw validationError(`Invalid guardrail: ${where ? `${where}: ` : ''}${first?.message ?? 'malformed'}`);
  }
  checkPolicySemantics(parsed.data);
  return parsed.data;
}

export function validInput(input: GuardrailInput): ValidGuardrailInput {
  return {
    name: validName(input.name),
    description: validDescription(input.description),
    policy: validPolicy(input.policy),
  };
}
