// How a Bedrock request is authorised: a Bedrock API key as a bearer token, or AWS SigV4 over the exact
// method, host, path, headers and body that go on the wire.

import type { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

export interface BedrockCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RequestToAuthorize {
  method: 'POST' | 'GET';
  url: URL;
  /** Lower-case names; `host` included, since SigV4 signs it. */
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** Returns the headers to send: the given ones plus the authorisation (and, for SigV4, its date and hashes). */
export type AuthorizeRequest = (request: RequestToAuthorize) => Promise<Record<string, string>>;

export function bearerAuth(token: string): AuthorizeRequest {
  return async ({ headers }) => ({ ...headers, authorization: `Bearer ${token}` });
}

export function sigV4Auth(region: string, credentials: BedrockCredentials): AuthorizeRequest {
  // Made on the first signed request: @smithy/signature-v4 (and @smithy/core under it) is megabytes of
  // heap that a gateway without a SigV4-signed Bedrock provider never needs.
  let signer: Promise<SignatureV4> | undefined;
  const newSigner = async () => {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    // uriEscapePath stays at its default (true): non-S3 services sign the already percent-encoded path
    // encoded once more, so a model ARN's %3A becomes %253A in the canonical request.
    return new SignatureV4({
      service: 'bedrock',
      region,
      sha256: NodeSha256,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
    });
  };
  return async ({ method, url, headers, body }) => {
    signer ??= newSigner();
    const signed = await (await signer).sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    });
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) out[name.toLowerCase()] = String(value);
    return out;
  };
}
