import { parseArgs } from "node:util";
import type { Policy } from "../engine/policy/policy.js";
import type { PolicyView } from "../backoffice/deps.js";
import type { Services } from "../services.js";
import type { Io } from "./main.js";

const number = (option: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new TypeError(`--${option} must be a number, got "${raw}"`);
  return Number(raw);
};

function describePolicy(id: string, { policy, made }: PolicyView): string {
  return [
    `integration ${id}: decision policy version ${policy.version}`,
    `  made:            ${made ? `${new Date(made.at).toISOString()} by ${made.by}` : "never changed: the default"}`,
    `  face threshold:  ${policy.face.threshold} (similarity at or above: the same person)`,
    `  review from:     ${policy.face.reviewFrom} (from here up to the threshold a person looks; below, declined 103)`,
    `  minimum age:     ${policy.minimumAge ?? "none"}`,
    `  specimens:       ${policy.specimens}`,
  ].join("\n");
}

/**
 * `earthid integrations policy ID [--face-threshold T] [--review-from R] [--min-age N|none]
 * [--specimens flag|decline] [--json]`: prints the integration's decision policy, or makes a new
 * version of it (audited: integration.policy_changed). Decisions record the version they used.
 */
export async function policyCommand(
  { policies, inForce }: { policies: Pick<Services["policies"], "change">; inForce: (integrationId: string) => Promise<PolicyView> },
  argv: string[],
  io: Io,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "face-threshold": { type: "string" },
      "review-from": { type: "string" },
      "min-age": { type: "string" },
      specimens: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new TypeError("integrations policy needs exactly one integration id");
  const minAge = values["min-age"];
  if (minAge !== undefined && minAge !== "none" && !/^\d+$/.test(minAge)) throw new TypeError(`--min-age must be a whole number of years or none, got "${minAge}"`);
  const specimens = values.specimens;
  if (specimens !== undefined && specimens !== "flag" && specimens !== "decline") throw new TypeError(`--specimens must be flag or decline, got "${specimens}"`);
  const change = {
    faceThreshold: number("face-threshold", values["face-threshold"]),
    reviewFrom: number("review-from", values["review-from"]),
    minimumAge: minAge === undefined ? undefined : minAge === "none" ? null : Number(minAge),
    specimens: specimens as Policy["specimens"] | undefined,
  };
  const asking = Object.values(change).every((value) => value === undefined);
  const result = asking ? { changes: {} } : await policies.change(id, change);
  if (!result) {
    io.err(`earthid: no integration with id ${id}\n`);
    return 1;
  }
  // Read after the change: the version in force and who made it (this change, or an earlier one when nothing changed).
  const view = await inForce(id);
  const changed = Object.entries(result.changes).map(([name, { from, to }]) => `changed ${name}: ${from ?? "none"} → ${to ?? "none"}\n`).join("");
  const unchanged = asking || changed !== "" ? "" : "nothing changed: the values given are the current ones\n";
  io.out(values.json ? `${JSON.stringify({ integrationId: id, ...view, changes: result.changes }, null, 2)}\n` : `${changed}${unchanged}${describePolicy(id, view)}\n`);
  return 0;
}
