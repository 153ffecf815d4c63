import { type Actor, OPERATOR, byReviewer } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import type { EditableIntegrationColumns, IntegrationRepo } from "./repo.js";
import { type Integration, toIntegration } from "./service.js";
import { callbackProblem, checkIntegrationUrl } from "./urls.js";
import { parseFrameAncestors, storedFrameAncestors } from "./frame-ancestors.js";

/** What `earthid integrations update` may change; null removes a URL, undefined leaves it. */
export interface IntegrationUpdate {
  name?: string | undefined;
  callbackUrl?: string | null | undefined;
  decisionWebhookUrl?: string | null | undefined;
  eventWebhookUrl?: string | null | undefined;
  /** Origins allowed to frame the hosted flow (comma- or space-separated, or a list); "" or [] allows none. */
  frameAncestors?: string | readonly string[] | undefined;
  /** Strict signing: every request needs x-earthid-signature, X-HMAC-SIGNATURE alone is refused. */
  strictSignatures?: boolean | undefined;
  /** Test mode: sessions decided from the person's first name, plain-http callbacks allowed. */
  testMode?: boolean | undefined;
}

export interface UpdatedIntegration {
  integration: Integration;
  /** The fields whose value changed, with the value before and after (what the audit event says). */
  changes: Record<string, { from: string | null; to: string | null }>;
}

/** The option each field is given by, so a refusal names what the operator typed. */
const FIELDS = [
  ["name", "name", "name"],
  ["callbackUrl", "callback_url", "callback"],
  ["decisionWebhookUrl", "decision_webhook_url", "decision-webhook"],
  ["eventWebhookUrl", "event_webhook_url", "event-webhook"],
  ["frameAncestors", "frame_ancestors", "frame-ancestors"],
  ["strictSignatures", "strict_signatures", "strict-signatures"],
  ["testMode", "is_test", "test-mode"],
] as const;

/** The on/off settings, as the audit event and the CLI say them. */
const onOff = (flag: number) => (flag === 1 ? "on" : "off");
const flagColumn = (flag: boolean | undefined) => (flag === undefined ? undefined : flag ? 1 : 0);

/**
 * Changes an integration's name, default callback, webhook URLs, frame ancestors, strict signing or test mode, keeping its keys. The same rules
 * as at creation (the callback rule uses the integration's own test flag); the change and its audit
 * event commit together. A running server sees the change at once: webhooks read their URL from the
 * integration when they are enqueued, and the key cache is emptied through the change signal.
 */
export function integrationUpdater({ repo, audit, now = Date.now }: { repo: IntegrationRepo; audit: Pick<AuditRepo, "record">; now?: () => number }) {
  return async function updateIntegration(id: string, update: IntegrationUpdate, actor: Actor = OPERATOR): Promise<UpdatedIntegration | undefined> {
    if (FIELDS.every(([field]) => update[field] === undefined)) {
      throw new TypeError("integrations update needs at least one of --name, --callback, --decision-webhook, --event-webhook, --frame-ancestors, --strict-signatures, --test-mode");
    }
    const name = update.name?.trim();
    if (name === "") throw new TypeError("name must not be empty");
    for (const [field, , option] of FIELDS) {
      const value = update[field];
      if (field !== "name" && field !== "frameAncestors" && typeof value === "string") checkIntegrationUrl(option, value);
    }
    // Stored as one space-separated list (null for none), and audited in that form.
    const frameAncestors = update.frameAncestors === undefined ? undefined : storedFrameAncestors(parseFrameAncestors([update.frameAncestors].flat().join(",")));
    const at = now();
    let changes: UpdatedIntegration["changes"] = {};
    const row = await repo.change(
      id,
      async (current, trx) => {
        // The callback rule depends on the test flag: a new callback is checked under the flag as it will be,
        // and leaving test mode checks the callback kept (a live integration may not send users to plain http).
        const testMode = update.testMode ?? current.is_test === 1;
        const goingLive = !testMode && current.is_test === 1;
        const callback = update.callbackUrl === undefined ? (goingLive ? current.callback_url : null) : update.callbackUrl;
        const problem = callback === null ? undefined : callbackProblem(callback, testMode);
        if (problem) {
          throw new TypeError(
            goingLive
              ? `--test-mode off is refused: the default callback ${JSON.stringify(callback)} is not allowed for a live integration (${problem}); give an https --callback, or none`
              : `--callback ${JSON.stringify(callback)} is refused: ${problem}`,
          );
        }
        const columns: Partial<EditableIntegrationColumns> = {};
        changes = {};
        for (const [field, column, option] of FIELDS) {
          if (column === "strict_signatures" || column === "is_test") {
            const flag = flagColumn(update[field as "strictSignatures" | "testMode"]);
            if (flag === undefined || flag === current[column]) continue;
            columns[column] = flag;
            changes[option] = { from: onOff(current[column]), to: onOff(flag) };
            continue;
          }
          const value = field === "name" ? name : field === "frameAncestors" ? frameAncestors : update[field];
          if (value === undefined || value === current[column]) continue;
          if (column === "name") columns.name = value as string;
          else columns[column] = value as string | null;
          changes[option] = { from: current[column], to: value as string | null };
        }
        if (Object.keys(changes).length > 0) {
          await audit.record(trx, { integrationId: id, sessionId: null, actor, at, event: { type: "integration.updated", data: { changes, ...byReviewer(actor) } } });
        }
        return columns;
      },
      at,
    );
    return row && { integration: toIntegration(row), changes };
  };
}
