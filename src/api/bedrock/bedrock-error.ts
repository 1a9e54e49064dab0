// Errors as Bedrock sends them: the status of the exception type, the type in `x-amzn-errortype`, and a
// `{message}` body. The AWS SDK turns these into its modeled exceptions (ThrottlingException, ...).

import type { ErrorCode, LakegateError } from '../../core/index.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

interface BedrockErrorType {
  type: string;
  status: number;
  /** The modeled exception's name inside an event stream (lowerCamelCase), when the stream has one. */
  streamType: string;
}

const VALIDATION = { type: 'ValidationException', status: 400, streamType: 'validationException' };
const INTERNAL = { type: 'InternalServerException', status: 500, streamType: 'internalServerException' };
const MODEL_ERROR = { type: 'ModelErrorException', status: 424, streamType: 'modelStreamErrorException' };

const BY_CODE: Record<ErrorCode, BedrockErrorType> = {
  VALIDATION_FAILED: VALIDATION,
  PAYLOAD_TOO_LARGE: { ...VALIDATION, status: 413 },
  UNSUPPORTED_OPERATION: VALIDATION,
  MODEL_UPSTREAM_REJECTED: VALIDATION,
  NOT_FOUND: { type: 'ResourceNotFoundException', status: 404, streamType: 'validationException' },
  ALREADY_EXISTS: { type: 'ConflictException', status: 409, streamType: 'validationException' },
  METHOD_NOT_ALLOWED: { ...VALIDATION, status: 405 },
  MODEL_NOT_FOUND: { type: 'ResourceNotFoundException', status: 404, streamType: 'validationException' },
  AUTH_UNAUTHENTICATED: {
    type: 'UnrecognizedClientException',
    status: 401,
    streamType: 'validationException',
  },
  AUTH_PERMISSION_DENIED: { type: 'AccessDeniedException', status: 403, streamType: 'validationException' },
  REQUEST_CANCELLED: { ...VALIDATION, status: 499 },
  QUERY_TIMEOUT: { type: 'ModelTimeoutException', status: 408, streamType: 'modelTimeoutException' },
  QUERY_OUT_OF_MEMORY: VALIDATION,
  MODEL_UPSTREAM_THROTTLED: { type: 'ThrottlingException', status: 429, streamType: 'throttlingException' },
  RATE_LIMITED: { type: 'ThrottlingException', status: 429, streamType: 'throttlingException' },
  BUDGET_EXCEEDED: {
    type: 'ServiceQuotaExceededException',
    status: 429,
    streamType: 'serviceUnavailableException',
  },
  LIMITS_UNAVAILABLE: {
    type: 'ServiceUnavailableException',
    status: 503,
    streamType: 'serviceUnavailableException',
  },
  MODEL_UPSTREAM_TIMEOUT: {
    type: 'ModelTimeoutException',
    status: 408,
    streamType: 'modelStreamErrorException',
  },
  MODEL_UPSTREAM_UNAVAILABLE: {
    type: 'ServiceUnavailableException',
    status: 503,
    streamType: 'serviceUnavailableException',
  },
  MODEL_UPSTREAM_ERROR: MODEL_ERROR,
  MODEL_UPSTREAM_AUTH: MODEL_ERROR,
  MODEL_UPSTREAM_BAD_RESPONSE: MODEL_ERROR,
  CONFIG_INVALID: INTERNAL,
  INTERNAL: INTERNAL,
};

export function bedrockErrorType(error: LakegateError): BedrockErrorType {
  return BY_CODE[error.code];
}

export const bedrockSurface: Surface = {
  name: 'bedrock',
  writeError(ctx: RequestContext, error: LakegateError) {
    const { type, status } = bedrockErrorType(error);
    const headers: Record<string, string> = {
      'x-amzn-errortype': type,
      'x-amzn-requestid': ctx.requestId,
    };
    if (error.retryAfterMs !== undefined)
      headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    sendJson(ctx.res, status, { message: error.message }, headers);
  },
};
