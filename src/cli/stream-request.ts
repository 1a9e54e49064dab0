// Requests whose body or answer is a byte stream (volume files, table loads), which the JSON client
// (http-client.ts) does not carry: one place adds the key and words an unreachable server or a
// refused key the same way for each of them.

import { CliError } from './cli-error.js';

export interface StreamTarget {
  baseUrl: string;
  key: string | undefined;
  fetch: typeof fetch;
}

/** Sends the request with the key as a bearer token; a network failure becomes a CliError. */
export async function streamRequest(
  target: StreamTarget,
  url: string | URL,
  init: RequestInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  if (target.key) headers.authorization = `Bearer ${target.key}`;
  try {
    return await target.fetch(url, { ...init, headers });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(
      `Cannot reach Lakegate at ${target.baseUrl} (${cause}). Is it running? Start it with \`lakegate up\`, ` +
        'or point the CLI at it with --url or LAKEGATE_URL.',
    );
  }
}

/** A 401: what the server said, and how to give a key. */
export function notAuthenticated(said: string): CliError {
  return new CliError(`Not authenticated (${said}). Set LAKEGATE_KEY to an API key or pass --key.`);
}
