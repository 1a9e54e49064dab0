// Every error code has its Unity Catalog shape, and nothing but the codes the contract names comes out.

import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, LakegateError } from '../../core/index.js';
import { ucError } from './uc-error.js';

describe('ucError', () => {
  it('maps our codes to the contract', () => {
    const expected: Partial<Record<ErrorCode, [string, number]>> = {
      VALIDATION_FAILED: ['INVALID_ARGUMENT', 400],
      UNSUPPORTED_OPERATION: ['INVALID_ARGUMENT', 400],
      NOT_FOUND: ['NOT_FOUND', 404],
      MODEL_NOT_FOUND: ['NOT_FOUND', 404],
      ALREADY_EXISTS: ['ALREADY_EXISTS', 409],
      AUTH_UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
      AUTH_PERMISSION_DENIED: ['PERMISSION_DENIED', 403],
      METHOD_NOT_ALLOWED: ['METHOD_NOT_ALLOWED', 405],
      PAYLOAD_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 413],
    };
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const { status, body } = ucError(new LakegateError(code, `message of ${code}`));
      const [ucCode, ucStatus] = expected[code] ?? ['INTERNAL', 500];
      expect(body.error_code, code).toBe(ucCode);
      expect(status, code).toBe(ucStatus);
      expect(Object.keys(body).sort()).toEqual(['error_code', 'message']);
    }
  });

  it('keeps the message of a user error and hides that of an unexpected one', () => {
    expect(ucError(new LakegateError('NOT_FOUND', "Catalog 'x' does not exist.")).body.message).toBe(
      "Catalog 'x' does not exist.",
    );
    const upstream = ucError(new LakegateError('MODEL_UPSTREAM_ERROR', 'provider said: key sk-123 is bad'));
    expect(upstream.body).toEqual({ error_code: 'INTERNAL', message: 'An internal error occurred.' });
  });
});
