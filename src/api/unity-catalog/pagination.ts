// Lists page as Unity Catalog's do: `max_results` (1..1000, default 100) and an opaque `page_token` that
// names the last item of the previous page, so a page boundary holds while items come and go.

import { validationError } from '../../core/index.js';

const DEFAULT_MAX_RESULTS = 100;
const MAX_RESULTS = 1000;

export interface PageRequest {
  maxResults: number;
  /** The key of the last item already returned. */
  after?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export function pageRequest(query: URLSearchParams): PageRequest {
  const raw = query.get('max_results');
  let maxResults = DEFAULT_MAX_RESULTS;
  if (raw !== null && raw !== '') {
    if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_RESULTS) {
      throw validationError(`max_results must be an integer from 1 to ${MAX_RESULTS}.`);
    }
    maxResults = Number(raw);
  }
  const token = query.get('page_token');
  if (token === null || token === '') return { maxResults };
  return { maxResults, after: decodeToken(token) };
}

function decodeToken(token: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,1500}$/.test(token)
    ? Buffer.from(token, 'base64url').toString('utf8')
    : '';
  // A token we issued round-trips exactly; anything else is not ours.
  if (decoded === '' || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
    throw validationError('page_token is not valid: pass next_page_token from the previous page.');
  }
  return decoded;
}

/**
 * One page of `items` in code-unit order of `key` (the same on both store engines, whatever their
 * collation), starting after the token's key.
 */
export function paginate<T>(items: readonly T[], key: (item: T) => string, request: PageRequest): Page<T> {
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
  const after = request.after;
  const rest = after === undefined ? sorted : sorted.filter((item) => key(item) > after);
  const page = rest.slice(0, request.maxResults);
  const last = page.at(-1);
  return rest.length > page.length && last !== undefined
    ? { items: page, nextPageToken: Buffer.from(key(last), 'utf8').toString('base64url') }
    : { items: page };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `{<name>: items, next_page_token?}` */
function listBody<T>(name: string, page: Page<T>): Record<string, unknown> {
  return page.nextPageToken === undefined
    ? { [name]: page.items }
    : { [name]: page.items, next_page_token: page.nextPageToken };
}

/** Pages `items` and maps only the page to its wire shape. */
export async function pagedList<T>(
  name: string,
  items: readonly T[],
  key: (item: T) => string,
  request: PageRequest,
  toWire: (item: T) => Promise<unknown> | unknown,
): Promise<Record<string, unknown>> {
  const page = paginate(items, key, request);
  return listBody(name, { ...page, items: await Promise.all(page.items.map(toWire)) });
}
