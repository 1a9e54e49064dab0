// A Bedrock provider pointed at a scripted server, fresh for every test of the file that calls it, and
// Bedrock's error answers as the server scripts them.

import { afterEach, beforeEach } from 'vitest';
import {
  type ScriptedResponse,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.js';
import type { ModelProvider } from '../spec.js';
import { type BedrockProviderOptions, createBedrockProvider } from './index.js';

export interface ScriptedBedrock {
  readonly server: ScriptedServer;
  readonly provider: ModelProvider;
}

/**
 * Registers the hooks and returns live accessors. `options(url)` gives the provider's options for the
 * server's URL; SigV4 credentials and the name `bedrock` are filled in unless given.
 */
export function scriptedBedrock(
  options: (url: string) => Partial<BedrockProviderOptions> = (url) => ({ endpoint: url }),
): ScriptedBedrock {
  let server: ScriptedServer | undefined;
  let provider: ModelProvider | undefined;
  beforeEach(async () => {
    server = await startScriptedServer();
    provider = createBedrockProvider({
      name: 'bedrock',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      ...options(server.url),
    });
  });
  afterEach(async () => {
    await provider?.close?.();
    await server?.close();
  });
  return {
    get server() {
      return server!;
    },
    get provider() {
      return provider!;
    },
  };
}

/** The `x-amzn-errortype` value Bedrock sends with an exception: its name, then the Coral namespace. */
export function coralType(name: string): string {
  return `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
}

/** A Bedrock error answer: the exception in `x-amzn-errortype`, its message in the body. */
export function bedrockErrorAnswer(status: number, exception: string, message: string): ScriptedResponse {
  return { status, headers: { 'x-amzn-errortype': coralType(exception) }, body: { message } };
}
