// Verifies AWS Signature Version 4 on an incoming request, so that the AWS SDK (which signs every
// request by default) can authenticate with a Lakegate key: access key id = key id, secret access key =
// secret. The canonical request is rebuilt from the headers the client says it signed.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../../core/index.js';

export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface SigV4Request {
  method: string;
  /** The path exactly as received, percent-encoding intact. */
  rawPath: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export type SigV4Result = { ok: true } | { ok: false; reason: string };

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Requests signed more than this far from our clock are refused, as AWS does, to limit replays. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export function parseSigV4Authorization(value: string): SigV4Authorization | undefined {
  const m = AUTH_PATTERN.exec(value);
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function canonicalUri(rawPath: string): string {
  // Non-S3 services sign the path encoded a second time: each already-encoded segment is encoded again.
  return rawPath
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter((p) => p.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      return [
        rfc3986(safeDecode(key.replace(/\+/g, ' '))),
        rfc3986(safeDecode(value.replace(/\+/g, ' '))),
      ] as const;
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function ownHeader(headers: SigV4Request['headers'], name: string): string | string[] | undefined {
  // The names come from the client's SignedHeaders, and Node's headers object is a plain object:
  // `constructor` or `__proto__` must not reach its prototype.
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  return typeof value === 'string' || Array.isArray(value) ? value : undefined;
}

function headerValue(headers: SigV4Request['headers'], name: string): string | undefined {
  // Over HTTP/2 the host travels as the :authority pseudo-header.
  const raw = ownHeader(headers, name) ?? (name === 'host' ? ownHeader(headers, ':authority') : undefined);
  if (raw === undefined) return undefined;
  const joined = Array.isArray(raw) ? raw.join(',') : raw;
  return joined.trim().replace(/\s+/g, ' ');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function verifySigV4(
  request: SigV4Request,
  auth: SigV4Authorization,
  secretAccessKey: string,
  now: number = Date.now(),
): SigV4Result {
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (!amzDate) return { ok: false, reason: 'the request has no x-amz-date header' };
  const signedAt = amzDateToMs(amzDate);
  if (Number.isNaN(signedAt) || !amzDate.startsWith(auth.date)) {
    return { ok: false, reason: 'x-amz-date does not match the credential scope' };
  }
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    return {
      ok: false,
      reason: 'the signature has expired or is not yet valid (clock skew over 15 minutes)',
    };
  }
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return { ok: false, reason: 'the host header must be signed' };
  }

  const bodyHash = sha256(request.body, 'hex');
  const declaredHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    return { ok: false, reason: 'x-amz-content-sha256 does not match the body' };
  }

  const canonicalHeaders: string[] = [];
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    canonicalHeaders.push(`${name}:${value}\n`);
  }
  const canonicalRequest = [
    request.method,
    canonicalUri(request.rawPath),
    canonicalQuery(request.rawQuery),
    canonicalHeaders.join(''),
    auth.signedHeaders.join(';'),
    bodyHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest, 'hex')].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, auth.date), auth.region), auth.service),
    'aws4_request',
  );
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the signature does not match' };
  }
  return { ok: true };
}
