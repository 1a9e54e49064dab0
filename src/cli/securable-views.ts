// How catalog objects look in the console, shared by the catalog, schema, table, volume, function and
// model commands: list rows, the details of one, and the list/get/delete calls they all make alike.

import type { CommandContext } from './command-context.js';
import { formatTime, formatValue, renderDetails, renderTable } from './format-table.js';
import { segment, UC_API } from './http-client.js';

export type Json = Record<string, unknown>;

export function text(item: Json, key: string): string {
  return formatValue(item[key]);
}

export interface SecurableKind {
  /** As the user says it: 'catalog', 'table', 'model'. */
  noun: string;
  /** Under /api/2.1/unity-catalog. */
  path: string;
  /** The list's key in the answer: 'catalogs', 'registered_models'. */
  itemsKey: string;
  /** Columns of `list` beyond NAME / OWNER / CREATED / COMMENT. */
  extraColumns?: readonly (readonly [string, (item: Json) => string])[];
  /** Lines of `get` beyond the common ones. */
  extraDetails?: (item: Json) => [string, string][];
  /** Text after the details (a table's columns, a model's aliases). */
  trailer?: (item: Json) => string | undefined;
}

function nameOf(item: Json): string {
  return typeof item['full_name'] === 'string' ? item['full_name'] : text(item, 'name');
}

export function renderList(kind: SecurableKind, items: readonly Json[], color: boolean): string {
  if (items.length === 0) return `No ${kind.itemsKey.replace(/_/g, ' ')}.`;
  const extra = kind.extraColumns ?? [];
  const headers = ['NAME', ...extra.map(([h]) => h), 'OWNER', 'CREATED', 'COMMENT'];
  const rows = items.map((item) => [
    nameOf(item),
    ...extra.map(([, cell]) => cell(item)),
    text(item, 'owner'),
    formatTime(item['created_at']),
    text(item, 'comment'),
  ]);
  return renderTable(headers, rows, { color });
}

export function renderObject(kind: SecurableKind, item: Json): string {
  const pairs: [string, string][] = [
    ['name', nameOf(item)],
    ...(kind.extraDetails?.(item) ?? []),
    ['owner', text(item, 'owner')],
    ['comment', text(item, 'comment')],
    ['created', `${formatTime(item['created_at'])} by ${text(item, 'created_by')}`],
  ];
  if (item['updated_at'] !== undefined && item['updated_at'] !== null) {
    pairs.push(['updated', `${formatTime(item['updated_at'])} by ${text(item, 'updated_by')}`]);
  }
  const properties = item['properties'];
  if (properties && typeof properties === 'object' && Object.keys(properties).length > 0) {
    pairs.push(['properties', JSON.stringify(properties)]);
  }
  const trailer = kind.trailer?.(item);
  return trailer ? `${renderDetails(pairs)}\n\n${trailer}` : renderDetails(pairs);
}

export async function listSecurables(
  ctx: CommandContext,
  kind: SecurableKind,
  query: Record<string, string> = {},
): Promise<void> {
  const items = await ctx.client.list<Json>(`${UC_API}${kind.path}`, kind.itemsKey, query);
  ctx.emit({ [kind.itemsKey]: items }, () => renderList(kind, items, ctx.color));
}

export async function getSecurable(
  ctx: CommandContext,
  kind: SecurableKind,
  fullName: string,
): Promise<void> {
  const item = await ctx.client.get<Json>(`${UC_API}${kind.path}/${segment(fullName)}`);
  ctx.emit(item, () => renderObject(kind, item));
}

export async function createSecurable(
  ctx: CommandContext,
  kind: SecurableKind,
  body: Json,
  path = kind.path,
): Promise<void> {
  const item = await ctx.client.post<Json>(`${UC_API}${path}`, body);
  ctx.emit(item, () => `Created ${kind.noun} ${nameOf(item)}.`);
}

export async function deleteSecurable(
  ctx: CommandContext,
  kind: SecurableKind,
  fullName: string,
  query: Record<string, string> = {},
): Promise<void> {
  const answer = await ctx.client.delete<unknown>(`${UC_API}${kind.path}/${segment(fullName)}`, query);
  ctx.emit(answer, () => `Deleted ${kind.noun} ${fullName}.`);
}
