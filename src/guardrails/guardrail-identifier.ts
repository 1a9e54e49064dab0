// How Bedrock's guardrailIdentifier maps to the catalog. Every guardrail is a catalog securable of type
// `guardrail` named `<schema>.<guardrailId>` (by default `system.guardrails.<id>`, the schema created on
// first use); its Bedrock name is a property of it, unique among guardrails. An identifier may be the id,
// the ARN `arn:aws:bedrock:<region>:<account>:guardrail/<id>`, or the catalog full name.

import { randomBytes } from 'node:crypto';
import { validationError } from '../core/index.js';

// Bedrock's ids are 12 lower-case letters and digits; ours start with a letter, as catalog names must.
const ID = /^[a-z][a-z0-9]{11}$/;
const ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:guardrail\/([a-z][a-z0-9]{11})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newGuardrailId(): string {
  const bytes = randomBytes(12);
  let id = '';
  // 36 does not divide 256: the first 252 values map evenly, and the slight bias of the rest is harmless
  // for an identifier that is not a secret.
  for (const b of bytes) id += id === '' ? ALPHABET[b % 26] : ALPHABET[b % 36];
  return id;
}

export function guardrailIdOf(identifier: string, schemaFullName: string): string {
  if (typeof identifier !== 'string') throw validationError('guardrailIdentifier must be a string.');
  const trimmed = identifier.trim();
  if (ID.test(trimmed)) return trimmed;
  const arn = ARN.exec(trimmed);
  if (arn) return arn[1]!;
  const prefix = `${schemaFullName}.`;
  if (trimmed.toLowerCase().startsWith(prefix) && ID.test(trimmed.slice(prefix.length).toLowerCase())) {
    return trimmed.slice(prefix.length).toLowerCase();
  }
  throw validationError(
    `guardrailIdentifier "${trimmed.slice(0, 200)}" is neither a guardrail id (12 lower-case letters and digits) nor a guardrail ARN.`,
  );
}

/** 'DRAFT' is version 0; numbered versions are 1, 2, ... */
export function parseGuardrailVersion(version: string | undefined): number {
  if (version === undefined || version === '' || version === 'DRAFT') return 0;
  if (/^[1-9]\d{0,7}$/.test(version)) return Number(version);
  throw validationError(
    `guardrailVersion "${String(version).slice(0, 50)}" is neither DRAFT nor a version number.`,
  );
}

export function versionLabel(version: number): string {
  return version === 0 ? 'DRAFT' : String(version);
}
