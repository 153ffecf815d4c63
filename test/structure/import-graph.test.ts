import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cycles, describeCycle, importGraph } from "./import-graph.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

describe("the capability folders import one way", () => {
  it("no folder of src/ imports a folder that imports it back, directly or round a loop", () => {
    const graph = importGraph(SRC);
    const loops = cycles(graph).map((members) => describeCycle(graph, members).join(", "));
    expect(loops).toEqual([]);
  });

  it("the graph is read from src/ itself: the capabilities are there, and the composition root imports them", () => {
    const graph = importGraph(SRC);
    for (const folder of ["app", "sessions", "verification", "media", "webhooks", "integrations", "store"]) expect(graph.has(folder)).toBe(true);
    expect([...graph.get("app")!]).toEqual(expect.arrayContaining(["sessions", "verification", "media", "webhooks"]));
    expect([...graph.get("media")!]).toEqual(expect.arrayContaining(["sessions", "verification"]));
  });

  describe("the check itself", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "earthid-imports-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    };

    it("finds a loop through three folders, a type-only import and a dynamic import included", () => {
      write("a/x.ts", 'import type { B } from "../b/y.js";\n');
      write("b/y.ts", 'export const load = () => import("../c/z.js");\n');
      write("c/z.ts", 'export { A } from "../a/x.js";\nimport fs from "node:fs";\n');
      write("leaf.ts", 'import { A } from "./a/x.js";\n');
      const graph = importGraph(dir);
      expect(cycles(graph)).toEqual([["a", "b", "c"]]);
      expect(describeCycle(graph, ["a", "b", "c"]).sort()).toEqual(["a → b", "b → c", "c → a"]);
    });

    it("imports inside one folder and one-way imports are no loop", () => {
      expect(cycles(new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set()]]))).toEqual([]);
    });
  });
});
