import { parseArgs } from "node:util";
import { ApiError } from "../errors.js";
import type { Services } from "../services.js";
import { isUuid } from "../store/ids.js";
import type { Io } from "./main.js";

/** The exit code of a replay that came out otherwise than recorded (1 is for errors). */
export const REPLAY_DIFFERS = 3;

const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * `earthid sessions replay ID [--attempt ID] [--json]`: runs the engine again on the attempt's
 * sealed media, judged at the recorded moment under the recorded policy, and prints what differs.
 * Exits 0 when nothing does, 3 when something does.
 */
export async function replayCommand({ replay }: Pick<Services, "replay">, argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { attempt: { type: "string" }, json: { type: "boolean", default: false } } });
  const id = positionals[0];
  if (!id || positionals.length > 1 || !isUuid(id)) throw new TypeError("sessions replay needs exactly one session id (a UUID)");
  if (values.attempt !== undefined && !isUuid(values.attempt)) throw new TypeError(`--attempt must be an attempt id (a UUID), got "${values.attempt}"`);
  try {
    const result = await replay({ sessionId: id.toLowerCase(), attemptId: values.attempt?.toLowerCase() });
    if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const verdict = (d: typeof result.recorded) => `${d.status} ${d.code ?? ""}${d.reasonCode === null ? "" : ` reason ${d.reasonCode}`}`;
      const lines = [
        `session ${result.sessionId}, attempt ${result.attemptId}: judged at ${result.judgedAt} under policy version ${result.policyVersion}`,
        `recorded: ${verdict(result.recorded)}`,
        `replayed: ${verdict(result.replayed)}`,
        result.differences.length === 0 ? "no difference" : `${result.differences.length} difference(s):`,
        ...result.differences.map((d) => `  ${d.what}: ${shown(d.recorded)} → ${shown(d.replayed)}`),
      ];
      io.out(`${lines.join("\n")}\n`);
    }
    return result.differences.length === 0 ? 0 : REPLAY_DIFFERS;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    io.err(`earthid: ${error.message}\n`);
    return 1;
  }
}
