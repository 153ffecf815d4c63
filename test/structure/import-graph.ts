import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/**
 * The capability folders of src/ and the direction of their imports. A node is a top-level folder
 * of src/ (`sessions`, `media`, …) or a file directly in src/ (`errors.ts`); an edge is "some file
 * of A imports some file of B". Type-only imports count: they tie the folders together as much.
 */
export type ImportGraph = Map<string, Set<string>>;

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The node a file of `srcDir` belongs to: its top-level folder, or its own name without extension (an import names `x.js` for `x.ts`). */
const nodeOf = (srcDir: string, file: string) => path.relative(srcDir, file).split(path.sep)[0]!.replace(/\.(ts|js|mjs)$/, "");

export function importGraph(srcDir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(srcDir)) {
    const from = nodeOf(srcDir, file);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith(".")) continue;
      const to = nodeOf(srcDir, path.resolve(path.dirname(file), specifier));
      if (to !== from && !to.startsWith("..")) graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** Every group of nodes that import each other, directly or round a loop (Tarjan's components of more than one node). */
export function cycles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** One line per edge that lies inside a cycle, to say where to cut. */
export function describeCycle(graph: ImportGraph, members: readonly string[]): string[] {
  const inside = new Set(members);
  return members.flatMap((from) => [...(graph.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => `${from} → ${to}`));
}
