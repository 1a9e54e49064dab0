// What Redis-backed tests need: whether there is a server, its URL, and a key prefix of their own.

import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function redisAvailable(): boolean {
  return inject('redisUrl') !== '';
}

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A fresh key prefix (same hash-tag layout as the default) so suites never see each other's counters. */
export function testKeyPrefix(): string {
  return `lakegate-test:{limits-${randomBytes(6).toString('hex')}}:`;
}
