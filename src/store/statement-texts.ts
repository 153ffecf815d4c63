import { CompiledQuery } from "kysely";

/*
 * Performance code, kept in store/ with the reason for it. The trade-off: SQL text is compiled by
 * Kysely once per shape and then only bound, which saves hundreds of query-builder nodes per
 * batched insert on the create path (bench:create), at the price of a check on first use that the
 * cached text binds values in the order boundValues gives them (a shape where it does not is
 * compiled every time instead, never run with values in the wrong columns).
 */

/** Bound values of rows, row by row and column by column: the order Kysely gives them. */
export function boundValues(tables: readonly (readonly object[])[]): unknown[] {
  const values: unknown[] = [];
  for (const rows of tables) {
    const columns = Object.keys(rows[0]!);
    for (const row of rows) for (const column of columns) values.push((row as Record<string, unknown>)[column]);
  }
  return values;
}

/**
 * The group commit's INSERTs, compiled by Kysely once per shape (row count and columns) and then
 * only bound: building a 32-row insert through the query builder allocates hundreds of nodes per
 * batch. The first compilation of a shape checks that Kysely binds exactly `boundValues`' order.
 */
export function reusableStatements() {
  const texts = new Map<string, string>();
  return (shape: string, values: unknown[], compile: () => CompiledQuery): CompiledQuery => {
    const text = texts.get(shape);
    if (text !== undefined) return CompiledQuery.raw(text, values);
    const compiled = compile();
    if (compiled.parameters.length === values.length && compiled.parameters.every((v, i) => v === values[i])) texts.set(shape, compiled.sql);
    return compiled;
  };
}

export type ReusableStatements = ReturnType<typeof reusableStatements>;
