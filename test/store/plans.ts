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
 * table, or a temporary B-tree (a sort), is a finding; SEARCH is a range of an index.
 */
export async function explainSqlite(file: string, statements: ReadonlyMap<string, readonly unknown[]>, bounded: ReadonlySet<string>): Promise<PlanFinding[]> {
  const admin = new Database(file);
  for (const { name } of admin.prepare("select name from sqlite_master where name like 'sqlite_stat%'").all() as { name: string }[]) admin.exec(`delete from ${name}`);
  admin.close();
  const sqlite = new Database(file);
  try {
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
    const growing = new Set(tables.filter((name) => !bounded.has(name) && !name.startsWith("sqlite_")));
    const findings: PlanFinding[] = [];
    for (const [statement, values] of statements) {
      const explain = sqlite.prepare(`explain query plan ${statement}`);
      // A statement prepared once on the raw connection was observed without values.
      const bound = values.length > 0 ? values : new Array(countPlaceholders(statement)).fill(null);
      const plan = (explain.all(...(bound as unknown[])) as { detail: string }[]).map((row) => row.detail);
      const touched = plan.map((line) => /^(?:SCAN|SEARCH) (\S+)/.exec(line)?.[1]).filter((name): name is string => name !== undefined);
      const scanned = plan.find((line) => growing.has(/^SCAN (\S+)/.exec(line)?.[1] ?? ""));
      if (scanned) findings.push({ statement, problem: `full scan: ${scanned}`, plan });
      else if (plan.some((line) => line.includes("USE TEMP B-TREE")) && touched.some((name) => growing.has(name))) findings.push({ statement, problem: "sort of a growing table's rows", plan });
    }
    return findings;
  } finally {
    sqlite.close();
  }
}

function countPlaceholders(statement: string): number {
  return statement.replace(/'[^']*'/g, "").split("?").length - 1;
}

interface PgPlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PgPlanNode[];
}

/**
 * EXPLAIN (FORMAT JSON) of each statement with the values it ran with, on a connection set up as
 * the store sets up its own, on a database that has never been analysed (the test's own, cloned from the template; the local server runs no autovacuum).
 * A Seq Scan of a growing table, an index scan with no condition on one (a walk of the whole
 * index), or a Sort above a growing table is a finding.
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
      const plan = nodes.map((n) => `${n["Node Type"]}${n["Relation Name"] ? ` on ${n["Relation Name"]}` : ""}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}${n["Index Cond"] ? ` (${n["Index Cond"]})` : ""}`);
      const isGrowing = (n: PgPlanNode) => n["Relation Name"] !== undefined && growing.has(n["Relation Name"]);
      const scanned = nodes.find((n) => isGrowing(n) && (n["Node Type"] === "Seq Scan" || (/^Index (Only )?Scan$/.test(n["Node Type"]) && n["Index Cond"] === undefined)));
      const sorted = nodes.find((n) => /Sort$/.test(n["Node Type"]) && subtree(n).some(isGrowing));
      if (scanned) findings.push({ statement, problem: `full scan: ${scanned["Node Type"]} on ${scanned["Relation Name"]}`, plan });
      else if (sorted) findings.push({ statement, problem: "sort of a growing table's rows", plan });
    }
    return findings;
  } finally {
    await client.end();
  }
}

function subtree(node: PgPlanNode): PgPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(subtree)];
}
