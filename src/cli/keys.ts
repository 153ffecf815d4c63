import { parseArgs } from "node:util";
import type { Services } from "../services.js";
import type { Io } from "./main.js";
import { keyRotation, type RotationReport } from "../keys/rotation.js";
import { INTEGRATION_SEALED_COLUMNS } from "../integrations/service.js";
import { sessionSealedColumns } from "../sessions/repo.js";
import { vendorDataCodec } from "../sessions/vendor-data.js";
import { WEBHOOK_SEALED_COLUMNS } from "../webhooks/outbox.js";
import { REVIEWER_SEALED_COLUMNS } from "../backoffice/accounts.js";

function describe(report: RotationReport): string {
  const lines = [report.newKey ? `new master key ${report.current}; the old one is retired` : `master key ${report.current} (no new key: ${"resumed or given by EARTHID_MASTER_KEY"})`];
  for (const [column, count] of Object.entries(report.resealed)) lines.push(`re-sealed ${count} in ${column}`);
  for (const [index, count] of Object.entries(report.rehashed)) lines.push(`re-hashed ${count} in ${index}`);
  for (const key of report.kept) {
    lines.push(key.destroyAfter === null ? `kept ${key.id} (EARTHID_PREVIOUS_MASTER_KEYS: remove it there once your backups from before this rotation have expired)` : `kept ${key.id} until ${key.destroyAfter}, then \`earthid keys prune\` destroys it`);
  }
  for (const id of report.destroyed) lines.push(`destroyed ${id}: backups sealed under it can no longer be opened`);
  return `${lines.join("\n")}\n`;
}

/** `earthid keys rotate|prune [--json]`: against the same store as a running server, which keeps serving. */
export async function keyCommands(services: Pick<Services, "store" | "masterKey" | "config" | "assessment">, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { json: { type: "boolean", default: false } } });
  const rotation = keyRotation({
    db: services.store.db,
    keys: services.masterKey,
    columns: [...INTEGRATION_SEALED_COLUMNS, ...sessionSealedColumns(vendorDataCodec(services.masterKey)), ...WEBHOOK_SEALED_COLUMNS, ...REVIEWER_SEALED_COLUMNS],
    indexes: [{ name: "engine_assessments.document_key", rehash: services.assessment.rehashDocumentKeys }],
    backupRetentionDays: services.config.backupRetentionDays,
  });
  if (sub !== "rotate" && sub !== "prune") throw new TypeError(`unknown keys command "${sub ?? ""}" (rotate, prune)`);
  const report = sub === "rotate" ? await rotation.rotate() : await rotation.prune();
  io.out(values.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  return 0;
}
