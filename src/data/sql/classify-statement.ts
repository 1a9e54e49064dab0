// Which kind of statement a user sent: a SELECT (rewritten and run), or one of the two writes governed SQL
// accepts — CREATE TABLE name AS SELECT and INSERT INTO|OVERWRITE name [(columns)] SELECT — whose SELECT is
// rewritten like any other and whose write is done by the tables service with SQL the server generates.
// Only the prefix is read here, by a small tokenizer; the SELECT after it goes to DuckDB's parser.

import { validationError } from '../../core/index.js';

export type ClassifiedStatement =
  | { kind: 'select'; sql: string }
  | { kind: 'create_table_as'; target: string[]; select: string }
  | { kind: 'insert'; target: string[]; columns?: string[]; overwrite: boolean; select: string };

const WORD = /^[A-Za-z_][A-Za-z0-9_$]*/;

class Prefix {
  at = 0;
  constructor(private readonly sql: string) {}

  private skip(): void {
    for (;;) {
      const rest = this.sql.slice(this.at);
      const space = /^\s+/.exec(rest);
      if (space) this.at += space[0].length;
      else if (rest.startsWith('--')) {
        const end = this.sql.indexOf('\n', this.at);
        this.at = end === -1 ? this.sql.length : end + 1;
      } else if (rest.startsWith('/*')) {
        const end = this.sql.indexOf('*/', this.at + 2);
        this.at = end === -1 ? this.sql.length : end + 2;
      } else return;
    }
  }

  /** Consumes a keyword (case-insensitive) if it is next. */
  keyword(word: string): boolean {
    this.skip();
    const match = WORD.exec(this.sql.slice(this.at));
    if (match && match[0].toUpperCase() === word) {
      this.at += match[0].length;
      return true;
    }
    return false;
  }

  symbol(ch: string): boolean {
    this.skip();
    if (this.sql[this.at] === ch) {
      this.at++;
      return true;
    }
    return false;
  }

  identifier(): string {
    this.skip();
    if (this.sql[this.at] === '"') {
      let out = '';
      let i = this.at + 1;
      while (i < this.sql.length) {
        if (this.sql[i] === '"') {
          if (this.sql[i + 1] === '"') {
            out += '"';
            i += 2;
            continue;
          }
          this.at = i + 1;
          return out;
        }
        out += this.sql[i++];
      }
      throw validationError('A quoted name is not closed.');
    }
    const match = WORD.exec(this.sql.slice(this.at));
    if (!match) throw validationError('A table name is expected after CREATE TABLE / INSERT INTO.');
    this.at += match[0].length;
    return match[0];
  }

  name(): string[] {
    const parts = [this.identifier()];
    while (this.symbol('.')) parts.push(this.identifier());
    if (parts.length > 3)
      throw validationError(`"${parts.join('.')}" is not a table name: at most catalog.schema.table.`);
    return parts;
  }

  rest(): string {
    return this.sql.slice(this.at);
  }
}

export function classifyStatement(sql: string): ClassifiedStatement {
  const prefix = new Prefix(sql);
  if (prefix.keyword('CREATE')) {
    if (!prefix.keyword('TABLE')) {
      throw validationError(
        'Only CREATE TABLE name AS SELECT ... is accepted; create other objects through the catalog API.',
      );
    }
    const target = prefix.name();
    if (!prefix.keyword('AS')) {
      throw validationError(
        'CREATE TABLE needs AS SELECT ...; create empty tables with columns through the tables API.',
      );
    }
    return { kind: 'create_table_as', target, select: prefix.rest() };
  }
  if (prefix.keyword('INSERT')) {
    let overwrite = false;
    if (prefix.keyword('OVERWRITE')) {
      overwrite = true;
      prefix.keyword('TABLE');
    } else if (!prefix.keyword('INTO')) {
      throw validationError('Write INSERT INTO name SELECT ... or INSERT OVERWRITE name SELECT ....');
    }
    const target = prefix.name();
    let columns: string[] | undefined;
    if (prefix.symbol('(')) {
      columns = [prefix.identifier()];
      while (prefix.symbol(',')) columns.push(prefix.identifier());
      if (!prefix.symbol(')')) throw validationError('The column list of INSERT is not closed with ")".');
    }
    const select = prefix.rest();
    if (!/^\s*(\(|SELECT\b|WITH\b|FROM\b|VALUES\b)/i.test(select)) {
      throw validationError('INSERT takes a query: INSERT INTO name [(columns)] SELECT ... (or VALUES ...).');
    }
    return { kind: 'insert', target, overwrite, select, ...(columns ? { columns } : {}) };
  }
  return { kind: 'select', sql };
}
