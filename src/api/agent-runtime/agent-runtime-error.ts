// Errors as Bedrock Agent Runtime sends them: Bedrock's `x-amzn-errortype` + `{message}`, with the
// exception names this API models (BedrockAgentRuntimeClient turns them into its own classes). Bedrock
// Runtime's model-side names (ModelErrorException, ModelTimeoutException, ...) do not exist here: a
// failure of the model behind RetrieveAndGenerate is Agent Runtime's DependencyFailedException.

import type { LakegateError } from '../../core/index.js';
import { bedrockErrorType } from '../bedrock/bedrock-error.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';
import type { Surface } from '../http/route.js';

const AGENT_RUNTIME_TYPES = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ConflictException',
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'InternalServerException',
  'DependencyFailedException',
  'BadGatewayException',
]);

export function agentRuntimeErrorType(error: LakegateError): { type: string; status: number } {
  const { type, status } = bedrockErrorType(error);
  if (AGENT_RUNTIME_TYPES.has(type)) return { type, status };
  if (error.code === 'AUTH_UNAUTHENTICATED') return { type: 'UnrecognizedClientException', status };
  if (error.category === 'upstream') return { type: 'DependencyFailedException', status: 424 };
  if (status === 503) return { type: 'BadGatewayException', status: 502 };
  return { type: status >= 500 ? 'InternalServerException' : 'ValidationException', status };
}

export const agentRuntimeSurface: Surface = {
  name: 'bedrock-agent-runtime',
  writeError(ctx: RequestContext, error: LakegateError) {
    const { type, status } = agentRuntimeErrorType(error);
    const headers: Record<string, string> = { 'x-amzn-errortype': type, 'x-amzn-requestid': ctx.requestId };
    if (error.retryAfterMs !== undefined)
      headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    sendJson(ctx.res, status, { message: error.message }, headers);
  },
};
