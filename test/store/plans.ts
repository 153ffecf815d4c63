import Database from "better-sqlite3";
import pg from "pg";
import { POSTGRES_SESSION_SETTINGS } from "../../src/store/db.js";

/** A statement whose plan reads more than it should, with the plan as the store printed it. */
export interface PlanFinding {
  statement: string;
  problem: string;
  plan: string[];
}

/**
 * EXPLAIN QUERY PLAN of each statement on its own connection to the file, after the planner's
 * statistics (sqlite_stat1, sqlite_stat4, written by PRAGMA optimize) are deleted: the plans SQLite
 * makes from the schema alone. `SCAN t` (with or without an index: a walk of all of it) of a growing
 * table, a temporary B-tree (a sort), or a SEARCH whose index leaves one of the statement's
 * equality columns of that table to a filter (filteredSearch) is a finding; SEARCH is a range of an index.
 */
export async function explainSqlite(file: string, statements: ReadonlyMap<string, readonly unknown[]>, bounded: ReadonlySet<string>): Promise<PlanFinding[]> {
  const admin = new Database(file);
  for (const { name } of admin.prepare("select name from sqlite_master where name like 'sqlite_stat%'").all() as { name: string }[]) admin.exec(`delete from ${name}`);
  admin.close();
  const sqlite = new Database(file);
  try {
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
    const growing = new Set(tables.filter((name) => !bounded.has(name) && !name.startsWith("sqlite_")));
    const shapes = sqliteShapes(sqlite, [...growing]);
    const findings: PlanFinding[] = [];
    for (const [statement, values] of statements) {
      const explain = sqlite.prepare(`explain query plan ${statement}`);
      // A statement prepared once on the raw connection was observed without values.
      const bound = values.length > 0 ? values : new Array(countPlaceholders(statement)).fill(null);
      const plan = (explain.all(...(bound as unknown[])) as { detail: string }[]).map((row) => row.detail);
      const touched = plan.map((line) => /^(?:SCAN|SEARCH) (\S+)/.exec(line)?.[1]).filter((name): name is string => name !== undefined);
      const scanned = plan.find((line) => growing.has(/^SCAN (\S+)/.exec(line)?.[1] ?? ""));
      const filtered = scanned ? undefined : filteredSearch(plan, statement, growing, shapes);
      if (scanned) findings.push({ statement, problem: `full scan: ${scanned}`, plan });
      else if (plan.some((line) => line.includes("USE TEMP B-TREE")) && touched.some((name) => growing.has(name))) findings.push({ statement, problem: "sort of a growing table's rows", plan });
      else if (filtered) findings.push({ statement, problem: filtered, plan });
    }
    return findings;
  } finally {
    sqlite.close();
  }
}

/** What the filter check needs of each growing table: its columns, and its unique indexes' column counts. */
interface TableShape {
  columns: Set<string>;
  uniqueColumns: Map<string, number>;
  /** Each partial index's predicate: the rows it holds already meet it. */
  predicates: Map<string, string>;
}

function sqliteShapes(sqlite: Database.Database, tables: string[]): Map<string, TableShape> {
  const shapes = new Map<string, TableShape>();
  for (const table of tables) {
    const columns = new Set((sqlite.prepare(`pragma table_info("${table}")`).all() as { name: string }[]).map((c) => c.name));
    const uniqueColumns = new Map<string, number>();
    for (const index of sqlite.prepare(`pragma index_list("${table}")`).all() as { name: string; unique: number }[]) {
      if (index.unique) uniqueColumns.set(index.name, (sqlite.prepare(`pragma index_info("${index.name}")`).all() as unknown[]).length);
    }
    const predicates = new Map(
      (sqlite.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql like '% where %'").all(table) as { name: string; sql: string }[]).map((i) => [
        i.name,
        i.sql.slice(i.sql.toLowerCase().lastIndexOf(" where ")),
      ]),
    );
    shapes.set(table, { columns, uniqueColumns, predicates });
  }
  return shapes;
}

/**
 * The columns a statement compares for equality with a value (`"c" = ?`, `"t"."c" = $1`, `"c" in
 * (…)`), each with its table when the statement names it.
 */
export function equalityColumns(statement: string): { table: string | undefined; column: string }[] {
  const where = statement.split(/\bwhere\b/i).slice(1).join(" where ");
  const found: { table: string | undefined; column: string }[] = [];
  // `"c" || '' = ?` too: a comparison written so that no index serves it is still a filter.
  for (const match of where.matchAll(/(?:"(\w+)"\.)?"(\w+)"(?: \|\| '')? (?:= (?:\?|\$\d+)|in \()/g)) found.push({ table: match[1], column: match[2]! });
  return found;
}

/**
 * An index SEARCH of a growing table that leaves one of the statement's equality columns of that
 * table to a filter: the walk reads every row of the range the index gives (say, every session in
 * one status) to keep those of one integration. A full-key lookup of a unique index is exempt.
 */
function filteredSearch(plan: string[], statement: string, growing: ReadonlySet<string>, shapes: ReadonlyMap<string, TableShape>): string | undefined {
  const searched = plan.flatMap((line) => {
    const match = /^SEARCH (\S+)(?: AS \S+)? USING (?:COVERING )?(?:INDEX (\S+)|(INTEGER PRIMARY KEY|PRIMARY KEY)) \((.*)\)/.exec(line);
    return match && growing.has(match[1]!) ? [{ table: match[1]!, index: match[2] ?? match[3]!, constraints: match[4]! }] : [];
  });
  const tables = new Set(searched.map((s) => s.table));
  for (const { table, index, constraints } of searched) {
    const shape = shapes.get(table)!;
    const served = new Set([...constraints.matchAll(/(\w+)[=<>]/g)].map((m) => m[1]!));
    for (const column of shape.columns) if (new RegExp(`\\b${column}\\b`).test(shape.predicates.get(index) ?? "")) served.add(column);
    const equalities = [...constraints.matchAll(/(\w+)=/g)].length;
    if (index.includes("PRIMARY KEY") || (shape.uniqueColumns.get(index) ?? Infinity) <= equalities) continue;
    // An unnamed column is the table's when no other table searched has one of that name.
    const owns = (column: string) => [...tables].filter((other) => shapes.get(other)!.columns.has(column)).length === 1;
    const left = equalityColumns(statement).find(({ table: named, column }) =>
      (named === table || (named === undefined && owns(column))) && shape.columns.has(column) && !served.has(column));
    if (left) return `filter: ${table}.${left.column} is compared for equality but ${index} gives only (${constraints})`;
  }
  return undefined;
}

function countPlaceholders(statement: string): number {
  return statement.replace(/'[^']*'/g, "").split("?").length - 1;
}

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  Plans?: PgPlanNode[];
}

/**
 * EXPLAIN (FORMAT JSON) of each statement with the values it ran with, on a connection set up as
 * the store sets up its own, on a database that has never been analysed (the test's own, cloned from the template; the local server runs no autovacuum).
 * A Seq Scan of a growing table, an index scan with no condition on one (a walk of the whole
 * index), a Sort above a growing table, or an index scan of one whose Filter compares a column for
 * equality (the range walked is wider than what is kept) is a finding.
 */
export async function explainPostgres(url: string, statements: ReadonlyMap<string, readonly unknown[]>, bounded: ReadonlySet<string>): Promise<PlanFinding[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The settings the store gives its own connections. Then seq scans priced out: the test's tables
  // hold thousands of rows, where reading a small one whole is the planner's right choice; what must
  // hold at a million is that an index serves the statement, and with seq scans priced out the
  // planner still picks one only when no index does.
  await client.query(POSTGRES_SESSION_SETTINGS);
  await client.query("set enable_seqscan = off");
  try {
    const tables = (await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'")).rows.map((r) => r.tablename);
    const analysed = await client.query("select relname from pg_stat_user_tables where last_analyze is not null or last_autoanalyze is not null");
    if (analysed.rowCount) throw new Error(`tables with statistics: ${analysed.rows.map((r) => r.relname).join(", ")}`);
    const growing = new Set(tables.filter((name) => !bounded.has(name)));
    const indexes = (
      await client.query<{ name: string; unique: boolean; keys: number; predicate: string | null }>(
        "select c.relname as name, i.indisunique as unique, i.indnkeyatts as keys, pg_get_expr(i.indpred, i.indrelid) as predicate from pg_index i join pg_class c on c.oid = i.indexrelid",
      )
    ).rows;
    const unique = new Map(indexes.filter((i) => i.unique).map((i) => [i.name, Number(i.keys)]));
    const predicate = new Map(indexes.map((i) => [i.name, i.predicate ?? ""]));
    const findings: PlanFinding[] = [];
    for (const [statement, values] of statements) {
      const result = await client.query<{ "QUERY PLAN": [{ Plan: PgPlanNode }] }>(`explain (format json) ${statement}`, values as unknown[]);
      const root = result.rows[0]!["QUERY PLAN"][0].Plan;
      const nodes: PgPlanNode[] = [];
      const walk = (node: PgPlanNode) => {
        nodes.push(node);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(root);
      const plan = nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Index Cond"] ? ` (${n["Index Cond"]})` : ""}${n.Filter ? ` Filter: ${n.Filter}` : ""}`);
      const isGrowing = (n: PgPlanNode) => n["Relation Name"] !== undefined && growing.has(n["Relation Name"]);
      const scanned = nodes.find((n) => isGrowing(n) && (n["Node Type"] === "Seq Scan" || (/^Index (Only )?Scan$/.test(n["Node Type"]) && n["Index Cond"] === undefined)));
      const sorted = nodes.find((n) => /Sort$/.test(n["Node Type"]) && subtree(n).some(isGrowing));
      // An index range of a growing table filtered by an equality the index does not give (a walk of
      // every session in one status to keep one integration's); a full-key lookup of a unique index is exempt.
      const filtered = nodes.find((n) => {
        if (!isGrowing(n) || !/^Index (Only )?Scan$/.test(n["Node Type"]) || !n.Filter) return false;
        // Equalities, `c = …` or `(c || ''::text) = …`, on columns that the partial index's predicate does not already fix.
        const compared = [...n.Filter.matchAll(/\(\(?(\w+)(?: \|\| ''::text\))? = (?:ANY \()?[$'(]/g)].map((m) => m[1]!);
        if (!compared.some((column) => !new RegExp(`\\b${column}\\b`).test(predicate.get(n["Index Name"] ?? "") ?? ""))) return false;
        const equalities = (n["Index Cond"]?.match(/ = /g) ?? []).length;
        return (unique.get(n["Index Name"] ?? "") ?? Infinity) > equalities;
      });
      if (scanned) findings.push({ statement, problem: `full scan: ${scanned["Node Type"]} on ${scanned["Relation Name"]}`, plan });
      else if (sorted) findings.push({ statement, problem: "sort of a growing table's rows", plan });
      else if (filtered) findings.push({ statement, problem: `filter: ${filtered["Relation Name"]} by ${filtered.Filter} outside ${filtered["Index Name"]} (${filtered["Index Cond"]})`, plan });
    }
    return findings;
  } finally {
    await client.end();
  }
}

function subtree(node: PgPlanNode): PgPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(subtree)];
}
