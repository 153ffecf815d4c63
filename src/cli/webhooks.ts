import { parseArgs } from "node:util";
import type { DeliveryView, WebhookService } from "../webhooks/service.js";
import { OPERATOR } from "../audit/events.js";
import type { Io } from "./main.js";

function describe(d: DeliveryView): string {
  const outcome = d.lastError ?? (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : "not attempted yet");
  const when = d.status === "pending" ? `next attempt ${d.nextAttemptAt}` : d.status === "delivered" ? `delivered ${d.deliveredAt}` : `failed`;
  return [
    `${d.id}  ${d.code} ${d.kind}  ${d.status}  attempts ${d.attempts}  created ${d.createdAt}`,
    `    session ${d.sessionId}  →  ${d.url}`,
    `    last: ${outcome}; ${when}`,
  ].join("\n");
}

/** `earthid webhooks list [--session ID] [--limit N]` and `earthid webhooks resend DELIVERY_ID`, for the operator (every integration). */
export async function webhookCommands({ webhooks: service, pollMs }: { webhooks: WebhookService; pollMs: number }, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { session: { type: "string" }, limit: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  switch (sub) {
    case "list": {
      if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) throw new TypeError("--limit must be a positive integer");
      const deliveries = await service.listDeliveries({
        ...(values.session !== undefined ? { sessionId: values.session.toLowerCase() } : {}),
        ...(values.limit !== undefined ? { limit: Number(values.limit) } : {}),
      });
      print(deliveries, deliveries.length === 0 ? "no webhook deliveries\n" : `${deliveries.map(describe).join("\n")}\n`);
      return 0;
    }
    case "resend": {
      const id = positionals[0];
      if (!id) throw new TypeError("webhooks resend needs a delivery id");
      const delivery = await service.resend({ id, actor: OPERATOR });
      print(delivery, `delivery ${delivery.id} queued again; the running service sends it within ${pollMs} ms.\n`);
      return 0;
    }
    default:
      throw new TypeError(`unknown webhooks command "${sub ?? ""}" (list, resend)`);
  }
}
