import { parseArgs } from "node:util";
import { ApiError } from "../errors.js";
import { iso } from "../time.js";
import { OPERATOR } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import type { SessionLifecycle } from "../verification/transitions.js";
import { DECIDABLE } from "../verification/states.js";
import { isUuid } from "../store/ids.js";
import type { Io } from "./main.js";

/** What an operator may set by hand; review is where sessions wait for people, not a verdict. */
const OPERATOR_VERDICTS = DECIDABLE.filter((status) => status !== "review");
type OperatorVerdict = (typeof OPERATOR_VERDICTS)[number];

function sessionId(positionals: string[], sub: string): string {
  const id = positionals[0];
  if (!id) throw new TypeError(`sessions ${sub} needs a session id`);
  if (!isUuid(id)) throw new TypeError(`"${id}" is not a session id (a UUID)`);
  return id.toLowerCase();
}

/** `earthid sessions decide|show`: the operator's hand on the lifecycle, through the same verbs as everyone. */
export async function sessionCommands({ lifecycle, audit }: { lifecycle: SessionLifecycle; audit: Pick<AuditRepo, "listForSession"> }, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      status: { type: "string" },
      "reason-code": { type: "string" },
      reason: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  try {
    switch (sub) {
      case "decide": {
        const id = sessionId(positionals, sub);
        const verdict = values.status;
        if (!verdict || !(OPERATOR_VERDICTS as readonly string[]).includes(verdict)) {
          throw new TypeError(`sessions decide needs --status ${OPERATOR_VERDICTS.join("|")}`);
        }
        const rawCode = values["reason-code"];
        if (rawCode !== undefined && !/^\d{1,4}$/.test(rawCode)) throw new TypeError(`--reason-code must be a number, got "${rawCode}"`);
        const decision = await lifecycle.decide({
          sessionId: id,
          verdict: verdict as OperatorVerdict,
          reasonCode: rawCode === undefined ? null : Number(rawCode),
          reason: values.reason ?? null,
          actor: OPERATOR,
        });
        const result = {
          id: decision.id,
          sessionId: decision.session_id,
          attemptId: decision.attempt_id,
          status: decision.status,
          code: decision.code,
          reasonCode: decision.reason_code,
          reason: decision.reason,
          decidedAt: iso(decision.decided_at),
          decidedBy: decision.decided_by,
        };
        const because = decision.reason_code === null ? "" : ` (reason ${decision.reason_code}: ${decision.reason ?? ""})`;
        print(result, `session ${decision.session_id}: ${decision.status} ${decision.code}${because}; the decision webhook is queued.\n`);
        return 0;
      }
      case "show": {
        const id = sessionId(positionals, sub);
        const session = await lifecycle.findAny(id);
        if (!session) throw new ApiError("NOT_FOUND", { what: "Session" });
        const [attempts, decisions, events] = await Promise.all([lifecycle.attempts(id), lifecycle.decisions(id), audit.listForSession(id)]);
        // Ids, states and times only: the person's data stays sealed.
        const view = {
          id: session.id,
          integrationId: session.integration_id,
          status: session.status,
          vendorData: session.vendor_data,
          createdAt: iso(session.created_at),
          updatedAt: iso(session.updated_at),
          decidedAt: iso(session.decided_at),
          deletedAt: iso(session.deleted_at),
          erasedAt: iso(session.erased_at),
          attempts: attempts.map((a) => ({ id: a.id, number: a.number, status: a.status, createdAt: iso(a.created_at), submittedAt: iso(a.submitted_at), decidedAt: iso(a.decided_at) })),
          decisions: decisions.map((d) => ({ id: d.id, attemptId: d.attempt_id, status: d.status, code: d.code, reasonCode: d.reason_code, reason: d.reason, decidedBy: d.decided_by, decidedAt: iso(d.decided_at) })),
          audit: events.map((e) => ({ type: e.type, actor: e.actor, at: iso(e.created_at), data: JSON.parse(e.data) as unknown })),
        };
        const lines = [
          `id:           ${view.id}`,
          `integration:  ${view.integrationId}`,
          `status:       ${view.status}${view.deletedAt ? ` (deleted ${view.deletedAt})` : ""}${view.erasedAt ? ` (data erased ${view.erasedAt})` : ""}`,
          `vendorData:   ${view.vendorData ?? "-"}`,
          `created:      ${view.createdAt}`,
          `updated:      ${view.updatedAt}`,
          `attempts:     ${view.attempts.length === 0 ? "none" : ""}`,
          ...view.attempts.map((a) => `  #${a.number} ${a.id} ${a.status} (started ${a.createdAt})`),
          `decisions:    ${view.decisions.length === 0 ? "none" : ""}`,
          ...view.decisions.map((d) => `  ${d.decidedAt} ${d.status} ${d.code}${d.reasonCode === null ? "" : ` reason ${d.reasonCode}`} by ${d.decidedBy}`),
          "audit:",
          ...view.audit.map((e) => `  ${e.at} ${e.type} by ${e.actor}`),
        ];
        print(view, `${lines.join("\n")}\n`);
        return 0;
      }
      default:
        throw new TypeError(`unknown sessions command "${sub ?? ""}" (decide, show)`);
    }
  } catch (error) {
    // The lifecycle's refusals (404, 1304, 1104) are the operator's answer, not a crash.
    if (!(error instanceof ApiError)) throw error;
    io.err(`earthid: ${error.message}\n`);
    return 1;
  }
}
