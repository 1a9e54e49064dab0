// The governed rewrite of one user SELECT: parse it with DuckDB's own parser, walk the whole tree, resolve
// every table name to a governed table the caller may SELECT, replace each by its governed subquery (only
// declared columns, masks applied, row filter in WHERE, identity as literals), rebuild the SQL, and check
// that the rebuilt SQL parses back to exactly the tree that was checked. Only that SQL is ever run.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Actor, Catalog, Securable } from '../../catalog/index.js';
import { isLakegateError, OldestFirst, validationError } from '../../core/index.js';
import type { DataEngine } from '../engine/index.js';
import { type ColumnSource, inferColumnLineage, type SiteTable } from './column-lineage.js';
import { type FunctionRules, loadFunctionRules } from './function-rules.js';
import { buildGovernedRelation, substituteTable } from './governed-relation.js';
import { applyIdentity, type Caller } from './identity-literals.js';
import { parseSelect, rebuildSql, treeFingerprint } from './parse-sql.js';
import { type CompiledPolicy, checkPolicy, parsePolicy } from './policy-expression.js';
import type { RelationSource, TimeTravel } from './relation-source.js';
import { tableNotFound } from './sql-errors.js';
import { forEachNode, type TreeNode } from './sql-tree.js';
import { declaredColumns, physicalTables, qualify, tableKey } from './table-names.js';
import { type IdentitySite, type TableSite, walkQuery } from './walk-query.js';

export interface SqlGovernorOptions {
  engine: DataEngine;
  catalog: Catalog;
  relations: RelationSource;
  /** See GuardMode; `on-error` by default. */
  guard?: GuardMode;
  /**
   * Rewritten statements kept per principal and statement text (default 500; 0 turns it off). An entry
   * is used only while the catalog generation is unchanged: any change of grants, policies, groups or
   * tables bumps it. Statements with time travel are never kept (the version a timestamp means moves).
   */
  planCacheSize?: number;
}

export interface GovernContext {
  /** Default catalog and schema for one- and two-part table names. */
  catalog?: string;
  schema?: string;
  /** Named parameters the statement may use (`$name` after marker translation). */
  parameters?: ReadonlySet<string>;
  /** Infer column lineage (for CREATE TABLE AS and INSERT ... SELECT). */
  lineage?: boolean;
  /** Overrides the governor's guard mode for this statement (writes use `always`). */
  guard?: GuardMode;
}

/**
 * How projected values of a filtered table are guarded by its row filter (governed-relation.ts):
 * `always`; `on-error` (default): run the plain form, and only if the engine raises an error run the
 * guarded form instead, so an error can only ever come from rows the caller may read, and queries that
 * succeed keep DuckDB's filter pushdown; `never` (benchmarks only).
 */
export type GuardMode = 'always' | 'on-error' | 'never';

export interface GovernedTableUse {
  table: Securable;
  at?: TimeTravel;
}

export interface GovernedQuery {
  /** The rewritten SQL: the only SQL that may run for this statement. */
  sql: string;
  /** The governed tables it reads, each once per version read. */
  tables: GovernedTableUse[];
  /** The named parameters it uses. */
  parameters: string[];
  /** Per output column, the governed columns it is computed from (when asked for and inferable). */
  columnLineage?: ColumnSource[][];
  /** Milliseconds spent parsing, rewriting (walk, catalog, policies) and rebuilding plus re-checking. */
  timings: { parseMs: number; rewriteMs: number; rebuildMs: number };
  /**
   * The guarded form of `sql` (GuardMode `on-error`, when a row filter applies): run it instead when `sql`
   * fails in the engine (runGoverned does this).
   */
  guarded?: (connection: DuckDBConnection) => Promise<string>;
}

interface ResolvedUse {
  table: Securable;
  columns: string[];
  filter?: CompiledPolicy;
  masks: Map<string, CompiledPolicy>;
  relation: string;
  at?: TimeTravel;
}

const MAX_CACHED_POLICIES = 1000;
/** Marks a table site while the checked tree is copied (removed again by substitution). */
const SITE_MARK = '__lg_site';

export class SqlGovernor {
  private rules: Promise<FunctionRules> | undefined;
  /** Parsed policy expressions by table, kind and text (a changed policy has a new text, so a new key). */
  private readonly policies = new Map<string, TreeNode>();
  private readonly oldestPolicy = new OldestFirst(this.policies);
  private readonly guard: GuardMode;
  private readonly planCacheSize: number;
  private readonly plans = new Map<string, { generation: number; query: GovernedQuery }>();
  private readonly oldestPlan = new OldestFirst(this.plans);

  constructor(private readonly options: SqlGovernorOptions) {
    this.guard = options.guard ?? 'on-error';
    this.planCacheSize = options.planCacheSize ?? 500;
  }

  /** Rewrites `sql` for `actor` on a connection of its own. */
  govern(actor: Actor, sql: string, context: GovernContext = {}): Promise<GovernedQuery> {
    return this.options.engine.withConnection((connection) => this.governOn(connection, actor, sql, context));
  }

  /** Rewrites `sql` for `actor` using an existing connection (the one that will run it). */
  async governOn(
    connection: DuckDBConnection,
    actor: Actor,
    sql: string,
    context: GovernContext = {},
  ): Promise<GovernedQuery> {
    if (this.planCacheSize === 0 || context.lineage) return this.rewrite(connection, actor, sql, context);
    const generation = await this.options.catalog.clock.current();
    const key = JSON.stringify([
      actor.principalId,
      actor.name,
      sql,
      context.catalog ?? null,
      context.schema ?? null,
      [...(context.parameters ?? [])].sort(),
      context.guard ?? this.guard,
    ]);
    const hit = this.plans.get(key);
    if (hit && hit.generation === generation) {
      return { ...hit.query, timings: { parseMs: 0, rewriteMs: 0, rebuildMs: 0 } };
    }
    const query = await this.rewrite(connection, actor, sql, context);
    if (query.tables.every((t) => t.at === undefined)) {
      if (this.plans.size >= this.planCacheSize) this.oldestPlan.evict();
      this.plans.set(key, { generation, query });
    }
    return query;
  }

  private async rewrite(
    connection: DuckDBConnection,
    actor: Actor,
    sql: string,
    context: GovernContext,
  ): Promise<GovernedQuery> {
    const rules = await this.functionRules(connection);
    const started = performance.now();
    const statement = await parseSelect(connection, sql);
    const parsed = performance.now();
    const walk = walkGoverned(statement, rules, context);
    const caller = this.callerOf(actor);
    const uses = new Map<string, Promise<ResolvedUse>>();
    const siteUses: Array<[TableSite, Promise<ResolvedUse>]> = [];
    for (const site of walk.tables) {
      const fullName = qualify(site.parts, context);
      const key = JSON.stringify([fullName, site.at ?? null]);
      let use = uses.get(key);
      if (!use) {
        use = this.resolve(connection, rules, actor, fullName, site);
        // Resolution failures surface once, below, through Promise.all.
        use.catch(() => undefined);
        uses.set(key, use);
      }
      siteUses.push([site, use]);
    }
    const resolved = await Promise.all(uses.values());
    const identities: IdentitySite[] = [...walk.identities];
    for (const use of resolved) {
      if (use.filter) identities.push(...use.filter.identities);
      for (const mask of use.masks.values()) identities.push(...mask.identities);
    }
    await applyIdentity(caller, identities);
    const siteList: Array<[TableSite, ResolvedUse]> = [];
    for (const [site, pending] of siteUses) siteList.push([site, await pending]);
    let columnLineage: ColumnSource[][] | undefined;
    if (context.lineage) {
      const sites = new Map<TreeNode, SiteTable>(
        siteList.map(([site, use]) => [site.node, { fullName: use.table.fullName, columns: use.columns }]),
      );
      columnLineage = inferColumnLineage(statement, sites);
    }
    const mode = context.guard ?? this.guard;
    const filtered = resolved.some((use) => use.filter !== undefined);
    // The guarded form is built later, only if the fast form fails: keep the checked tree for it.
    const pristine = mode === 'on-error' && filtered ? this.markedCopy(statement, siteList) : undefined;
    const rewritten = performance.now();
    const rebuilt = await this.finish(connection, rules, context, statement, siteList, mode === 'always');
    const done = performance.now();
    const query: GovernedQuery = {
      sql: rebuilt,
      tables: resolved.map((u) => ({ table: u.table, ...(u.at ? { at: u.at } : {}) })),
      parameters: [...walk.parameters],
      ...(columnLineage ? { columnLineage } : {}),
      timings: { parseMs: parsed - started, rewriteMs: rewritten - parsed, rebuildMs: done - rewritten },
    };
    if (pristine) {
      // Built once, on first need (finish substitutes into the copy, so it cannot run twice).
      let built: Promise<string> | undefined;
      query.guarded = (on: DuckDBConnection) => {
        built ??= this.finish(on, rules, context, pristine.tree, pristine.sites, true);
        built.catch(() => {
          built = undefined;
        });
        return built;
      };
    }
    return query;
  }

  /** A copy of the checked tree with its table sites found again in the copy. */
  private markedCopy(statement: TreeNode, sites: ReadonlyArray<[TableSite, ResolvedUse]>) {
    sites.forEach(([site], i) => {
      site.node[SITE_MARK] = i;
    });
    const tree = structuredClone(statement);
    const copies: TreeNode[] = [];
    forEachNode(tree, (node) => {
      const mark = node[SITE_MARK];
      if (typeof mark === 'number') copies[mark] = node;
      return true;
    });
    // Substitution replaces every key of a site, the mark included, so no mark reaches the SQL.
    return {
      tree,
      sites: sites.map(([site, use], i): [TableSite, ResolvedUse] => [{ ...site, node: copies[i]! }, use]),
    };
  }

  /** Substitutes the governed subqueries into `tree`, rebuilds the SQL and checks it. */
  private async finish(
    connection: DuckDBConnection,
    rules: FunctionRules,
    context: GovernContext,
    tree: TreeNode,
    sites: ReadonlyArray<[TableSite, ResolvedUse]>,
    guard: boolean,
  ): Promise<string> {
    const governed = new Map<ResolvedUse, TreeNode>();
    for (const [, use] of sites) {
      if (governed.has(use)) continue;
      const masks = new Map([...use.masks].map(([column, mask]) => [column, mask.expression]));
      governed.set(
        use,
        await buildGovernedRelation(connection, {
          relation: use.relation,
          columns: use.columns,
          masks,
          ...(use.filter ? { filter: use.filter.expression } : {}),
          guard,
        }),
      );
    }
    for (const [site, use] of sites) {
      substituteTable(site.node, structuredClone(governed.get(use)!), use.table.name);
    }
    const rebuilt = await rebuildSql(connection, tree);
    const check = await parseSelect(connection, rebuilt);
    if (treeFingerprint(check) !== treeFingerprint(tree)) {
      // DuckDB writes some constructs back in another form (VALUES becomes a subquery). Then the rebuilt
      // SQL is checked on its own: the same walk must pass, and every table it reads must be one of the
      // physical relations the governed subqueries were built on.
      this.recheck(check, rules, context, physicalTables([...governed.values()]));
    }
    return rebuilt;
  }

  private recheck(
    check: TreeNode,
    rules: FunctionRules,
    context: GovernContext,
    physical: Set<string>,
  ): void {
    const again = walkGoverned(check, rules, context);
    const unsafe =
      again.identities.length > 0 ||
      again.tables.some((site) => site.at !== undefined || !physical.has(tableKey(site.node)));
    if (unsafe) {
      throw validationError(
        'The statement could not be rewritten safely for governance; simplify it and try again.',
      );
    }
  }

  /** The caller as the rewrite sees it: a name and a group-membership test. */
  callerOf(actor: Actor): Caller {
    const { identity } = this.options.catalog;
    return { name: actor.name, isMember: (group) => identity.isMember(actor.principalId, group) };
  }

  private functionRules(connection: DuckDBConnection): Promise<FunctionRules> {
    if (!this.rules) {
      this.rules = loadFunctionRules(connection);
      this.rules.catch(() => {
        this.rules = undefined;
      });
    }
    return this.rules;
  }

  /** Finds a table the actor may SELECT; every failure is the same NOT_FOUND. */
  async findReadable(actor: Actor, fullName: string, written = fullName): Promise<Securable> {
    const { securables, authorizer } = this.options.catalog;
    let table: Securable;
    try {
      table = await securables.get(actor, 'table', fullName);
    } catch (error) {
      if (isLakegateError(error) && error.category !== 'system') throw tableNotFound(written);
      throw error;
    }
    if (!(await authorizer.authorize(actor, 'SELECT', table)).allowed) throw tableNotFound(written);
    return table;
  }

  private async resolve(
    connection: DuckDBConnection,
    rules: FunctionRules,
    actor: Actor,
    fullName: string,
    site: TableSite,
  ): Promise<ResolvedUse> {
    const table = await this.findReadable(actor, fullName, site.parts.join('.'));
    const columns = declaredColumns(table);
    const policies = await this.options.catalog.securables.getPolicies(actor, table.fullName);
    const compile = async (what: string, expression: string): Promise<CompiledPolicy> => {
      // Parsing is cached by text; the check runs on every use, on a copy (it qualifies columns in place).
      const key = JSON.stringify([table.fullName, what, expression]);
      let parsed = this.policies.get(key);
      if (!parsed) {
        parsed = await parsePolicy(connection, table.fullName, what, expression);
        if (this.policies.size >= MAX_CACHED_POLICIES) this.oldestPolicy.evict();
        this.policies.set(key, parsed);
      }
      return checkPolicy(structuredClone(parsed), rules, table.fullName, what, columns);
    };
    const filter = policies.rowFilter
      ? await compile('row filter', policies.rowFilter.expression)
      : undefined;
    const masks = new Map<string, CompiledPolicy>();
    for (const mask of policies.masks) {
      if (!columns.includes(mask.column)) continue;
      masks.set(mask.column, await compile(`mask on "${mask.column}"`, mask.expression));
    }
    const relation = await this.options.relations.relationFor(table, site.at);
    return {
      table,
      columns,
      masks,
      relation,
      ...(filter ? { filter } : {}),
      ...(site.at ? { at: site.at } : {}),
    };
  }
}

/** The walk a statement and its rebuilt form both pass: the same rules and allowed parameters. */
function walkGoverned(tree: TreeNode, rules: FunctionRules, context: GovernContext) {
  return walkQuery(tree, { rules, ...(context.parameters ? { parameters: context.parameters } : {}) });
}
