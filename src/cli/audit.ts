import { parseArgs } from "node:util";
import type { AuditTrail } from "../audit/trail.js";
import type { Io } from "./main.js";

export const AUDIT_USAGE = `  audit verify [--json]                 link waiting events, then walk the audit chain from its first
                                        kept event (its anchor once retention deleted older ones);
                                        names the first broken link (exit 1)
  audit export [--since DATE|SEQ]       the sealed audit events as JSON lines, the anchor first
                                        (README: how to verify)`;

/** `--since`: a sequence number, or a date/time that Date.parse reads (2026-12-01, 2026-12-01T10:00:00Z). */
function sinceOf(value: string | undefined): { seq: number } | { time: number } | undefined {
  if (value === undefined) return undefined;
  if (/^[1-9]\d*$/.test(value)) return { seq: Number(value) };
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new TypeError(`--since takes a sequence number or a date (2026-12-01), not "${value}"`);
  return { time };
}

/** `earthid audit verify` and `earthid audit export`. */
export async function auditCommands(trail: AuditTrail, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { json: { type: "boolean", default: false }, since: { type: "string" } } });
  switch (sub) {
    case "verify": {
      // Sealing first is what any running instance does each second: safe beside them (one sealer at a time).
      await trail.seal();
      const report = await trail.verify();
      if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      else if (report.broken) {
        const { seq, id, problem, detail } = report.broken;
        io.out(`audit chain BROKEN at sequence ${seq} (event ${id}): ${problem}: ${detail}\n${report.checked} events before it are intact.\n`);
      } else {
        const head = report.anchor ? ` after the anchor (sequence ${report.anchor.seq}, hash ${report.anchor.hash}: older events were deleted by retention)` : "";
        const tail = report.last ? `; last: sequence ${report.last.seq}, hash ${report.last.hash}` : "";
        const waiting = report.unsealed > 0 ? `\n${report.unsealed} events are not linked yet (another instance is sealing them).` : "";
        io.out(`audit chain intact: ${report.checked} events${head}${tail}${waiting}\n`);
      }
      return report.broken ? 1 : 0;
    }
    case "export": {
      for await (const line of trail.export(sinceOf(values.since))) io.out(`${JSON.stringify(line)}\n`);
      return 0;
    }
    default:
      throw new TypeError(`unknown audit command "${sub ?? ""}" (verify, export)`);
  }
}
