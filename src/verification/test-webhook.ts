import type { Config } from "../config.js";
import type { IntegrationService } from "../integrations/service.js";
import { newRowId } from "../store/ids.js";
import { httpSender } from "../webhooks/delivery.js";
import { webhookHeaders } from "../webhooks/signing.js";
import { decisionPayload, eventPayload } from "./payloads.js";

/** How much of the receiver's answer is printed. */
const BODY_SHOWN = 500;
const SIGNATURE_HEADERS = ["x-auth-client", "x-hmac-signature", "vrf-hmac-signature", "x-earthid-signature", "x-earthid-delivery-id"] as const;

/**
 * A body of the kind's real shape, for a session that exists nowhere, with a status no receiver may
 * treat as final (9121 review, 7001 started): a receiver that acts on it changes nothing for good.
 * `vendorData` says what it is.
 */
function testBody(kind: "decision" | "event", at: number): string {
  const session = { id: newRowId(at), vendor_data: "earthid-test-webhook", end_user_id: null, created_at: at };
  const attemptId = newRowId(at);
  const payload =
    kind === "event"
      ? eventPayload(session, attemptId, 7001)
      : decisionPayload(session, { id: newRowId(at), session_id: session.id, attempt_id: attemptId, status: "review", code: 9121, reason: null, reason_code: null, decided_by: "operator", decided_at: at }, {});
  return JSON.stringify(payload);
}

export type WebhookKind = "decision" | "event";

export interface TestWebhookResult {
  kind: WebhookKind;
  url: string;
  statusCode: number | null;
  /** Why there was no answer ("refused: … private address", a timeout); null when there was one. */
  error: string | null;
  durationMs: number;
  /** The start of the receiver's answer. */
  body: string;
  sent: { body: string; headers: Record<string, string> };
}

/**
 * One signed test event to each webhook URL of the integration (or the one `kind` names), sent as the
 * running service sends deliveries (same headers, signature, timeout and address rules), with the
 * receiver's answer. For `earthid integrations test-webhook` and the back-office's button.
 */
export async function sendTestWebhooks(
  { integrations, config }: { integrations: Pick<IntegrationService, "getIntegration" | "findByApiKey">; config: Pick<Config, "webhookTimeoutSeconds" | "webhookAllowPrivate"> },
  id: string,
  kind?: WebhookKind,
): Promise<{ results: TestWebhookResult[] } | { problem: "not_found" | "no_url" }> {
  const found = await integrations.getIntegration(id);
  const integration = found && (await integrations.findByApiKey(found.apiKey));
  if (!integration) return { problem: "not_found" };
  const targets = (
    [
      ["decision", integration.decisionWebhookUrl],
      ["event", integration.eventWebhookUrl],
    ] as const
  ).filter((target): target is readonly [WebhookKind, string] => target[1] !== null && (kind === undefined || kind === target[0]));
  if (targets.length === 0) return { problem: "no_url" };

  const send = httpSender({ timeoutMs: config.webhookTimeoutSeconds * 1000, allowPrivate: config.webhookAllowPrivate, maxSockets: 1, keepBodyBytes: BODY_SHOWN + 1 });
  const results: TestWebhookResult[] = [];
  try {
    for (const [kind, url] of targets) {
      const at = Date.now();
      const body = Buffer.from(testBody(kind, at));
      const headers = webhookHeaders({ apiKey: integration.apiKey, integrationId: integration.id, secret: integration.secret, body, deliveryId: newRowId(at), attempt: 1, at });
      const outcome = await send({ url, body, headers });
      const answer = outcome.body ?? "";
      results.push({
        kind,
        url,
        statusCode: outcome.statusCode,
        error: outcome.statusCode === null ? outcome.error : null,
        durationMs: outcome.durationMs,
        body: answer.length > BODY_SHOWN ? `${answer.slice(0, BODY_SHOWN)}…` : answer,
        sent: { body: body.toString("utf8"), headers: Object.fromEntries(SIGNATURE_HEADERS.map((name) => [name, headers[name]!])) },
      });
    }
  } finally {
    send.close();
  }

  return { results };
}

export const answeredWell = (r: TestWebhookResult) => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;
