/** One thing a replay found otherwise than the record. */
export interface Difference {
  what: string;
  recorded: unknown;
  replayed: unknown;
}

/** What a replay compares, on both sides. */
export interface Outcome {
  decision: { status: string; code: number | null; reasonCode: number | null };
  person: Record<string, unknown>;
  document: Record<string, unknown>;
  checks: { name: string; outcome: string; score: number | null; threshold: number | null; evidence: Record<string, unknown> }[];
  images: Record<string, unknown> | null;
  versions: Record<string, unknown> | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Evidence without the time each step took (`ms`, `…Ms`): a replay is judged on what it found, not how fast. */
const untimed = (evidence: Record<string, unknown>) => JSON.stringify(evidence, (key, value: unknown) => (key === "ms" || key.endsWith("Ms") ? undefined : value));

function fieldsDiffer(prefix: string, recorded: Record<string, unknown> | null, replayed: Record<string, unknown> | null): Difference[] {
  if (recorded === null || replayed === null) return [];
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])];
  return names.filter((name) => !same(recorded[name], replayed[name])).map((name) => ({ what: `${prefix}.${name}`, recorded: recorded[name] ?? null, replayed: replayed[name] ?? null }));
}

/** Checks keyed by name, a repeated name by its occurrence ("face.count#2"). */
function keyed(checks: Outcome["checks"]): Map<string, Outcome["checks"][number]> {
  const seen = new Map<string, number>();
  const out = new Map<string, Outcome["checks"][number]>();
  for (const check of checks) {
    const n = (seen.get(check.name) ?? 0) + 1;
    seen.set(check.name, n);
    out.set(n === 1 ? check.name : `${check.name}#${n}`, check);
  }
  return out;
}

/**
 * Everything that differs between a recorded assessment and its replay: the decision, each field
 * read, each check's outcome, score, threshold and evidence, the images' digests (the media is not
 * what was judged) and the versions of the engine and its models (what changed since).
 */
export function differences(recorded: Outcome, replayed: Outcome): Difference[] {
  const out = fieldsDiffer("decision", recorded.decision, replayed.decision);
  out.push(...fieldsDiffer("person", recorded.person, replayed.person), ...fieldsDiffer("document", recorded.document, replayed.document));
  const before = keyed(recorded.checks);
  const after = keyed(replayed.checks);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const [a, b] = [before.get(name), after.get(name)];
    if (!a || !b) {
      out.push({ what: `check ${name}`, recorded: a ? a.outcome : "absent", replayed: b ? b.outcome : "absent" });
      continue;
    }
    for (const part of ["outcome", "score", "threshold"] as const) {
      if (!same(a[part], b[part])) out.push({ what: `check ${name} ${part}`, recorded: a[part], replayed: b[part] });
    }
    if (untimed(a.evidence) !== untimed(b.evidence)) out.push({ what: `check ${name} evidence`, recorded: a.evidence, replayed: b.evidence });
  }
  out.push(...fieldsDiffer("image", recorded.images, replayed.images), ...fieldsDiffer("version", recorded.versions, replayed.versions));
  return out;
}
