import { parseArgs } from "node:util";
import type { Services } from "../services.js";
import { newRowId } from "../store/ids.js";
import { httpSender } from "../webhooks/delivery.js";
import { decisionPayload, eventPayload } from "../verification/payloads.js";
import { webhookHeaders } from "../webhooks/signing.js";
import type { Io } from "./main.js";

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

/**
 * `earthid integrations test-webhook ID [--kind decision|event] [--json]`: one signed test event to
 * each webhook URL of the integration, sent as the running service sends (same headers, signature,
 * timeout and address rules), with the receiver's answer printed. Exit 0 only if every one answered 2xx.
 */
export async function testWebhookCommand({ integrations, config }: Pick<Services, "integrations" | "config">, argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { kind: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new TypeError("integrations test-webhook needs exactly one integration id");
  if (values.kind !== undefined && values.kind !== "decision" && values.kind !== "event") throw new TypeError(`--kind must be decision or event, got "${values.kind}"`);
  const found = await integrations.getIntegration(id);
  const integration = found && (await integrations.findByApiKey(found.apiKey));
  if (!integration) {
    io.err(`earthid: no integration with id ${id}\n`);
    return 1;
  }
  const targets = (
    [
      ["decision", integration.decisionWebhookUrl],
      ["event", integration.eventWebhookUrl],
    ] as const
  ).filter((target): target is readonly ["decision" | "event", string] => target[1] !== null && (values.kind === undefined || values.kind === target[0]));
  if (targets.length === 0) {
    io.err(`earthid: integration ${id} has no ${values.kind ?? "decision or event"} webhook URL; set one with: earthid integrations update ${id} --${values.kind ?? "decision"}-webhook URL\n`);
    return 1;
  }

  const send = httpSender({ timeoutMs: config.webhookTimeoutSeconds * 1000, allowPrivate: config.webhookAllowPrivate, maxSockets: 1, keepBodyBytes: BODY_SHOWN + 1 });
  const results = [];
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

  if (values.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      const answer = r.statusCode === null ? `no answer: ${r.error}` : `HTTP ${r.statusCode} in ${r.durationMs} ms`;
      io.out(
        [
          `${r.kind} webhook ${r.url}`,
          `  answer:  ${answer}`,
          ...(r.statusCode === null ? [] : [`  body:    ${r.body === "" ? "(empty)" : JSON.stringify(r.body)}`]),
          "  sent with:",
          ...Object.entries(r.sent.headers).map(([name, value]) => `    ${name}: ${value}`),
          `  signed body (${Buffer.byteLength(r.sent.body)} bytes): ${r.sent.body}`,
          "",
        ].join("\n"),
      );
    }
  }
  return results.every((r) => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300) ? 0 : 1;
}
