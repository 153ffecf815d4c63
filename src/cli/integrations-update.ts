import { parseArgs } from "node:util";
import type { Services } from "../services.js";
import { describe } from "./integrations.js";
import type { Io } from "./main.js";
import { webhookWarnings } from "./webhook-warnings.js";

/** `none` removes a URL (the way set-retention says "no retention period"). */
const urlOption = (value: string | undefined) => (value === "none" ? null : value);

function onOrOff(option: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const flag = value.trim().toLowerCase();
  if (flag !== "on" && flag !== "off") throw new TypeError(`--${option} takes on or off, got ${JSON.stringify(value)}`);
  return flag === "on";
}

/**
 * `earthid integrations update ID [--name N] [--callback URL|none] [--decision-webhook URL|none]
 * [--event-webhook URL|none] [--frame-ancestors ORIGIN,…|none] [--strict-signatures on|off] [--test-mode on|off] [--json]`: the keys stay, the change
 * is audited (one integration.updated event), a running server uses it at once.
 */
export async function updateIntegrationCommand({ integrations, config }: Pick<Services, "integrations" | "config">, argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      callback: { type: "string" },
      "decision-webhook": { type: "string" },
      "event-webhook": { type: "string" },
      "frame-ancestors": { type: "string" },
      "strict-signatures": { type: "string" },
      "test-mode": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new TypeError("integrations update needs exactly one integration id");
  const frameAncestors = values["frame-ancestors"];
  const updated = await integrations.update(id, {
    name: values.name,
    callbackUrl: urlOption(values.callback),
    decisionWebhookUrl: urlOption(values["decision-webhook"]),
    eventWebhookUrl: urlOption(values["event-webhook"]),
    frameAncestors: frameAncestors?.trim().toLowerCase() === "none" ? "" : frameAncestors,
    strictSignatures: onOrOff("strict-signatures", values["strict-signatures"]),
    testMode: onOrOff("test-mode", values["test-mode"]),
  });
  if (!updated) {
    io.err(`earthid: no integration with id ${id}\n`);
    return 1;
  }
  const fields = Object.entries(updated.changes);
  const changed = fields.length === 0 ? "nothing changed: the values given are the current ones\n" : fields.map(([option, { from, to }]) => `changed ${option}: ${from ?? "(none)"} → ${to ?? "(none)"}\n`).join("");
  const framing = updated.integration.frameAncestors;
  const summary = frameAncestors === undefined ? changed : `${changed}${framing.length === 0 ? `integration ${id}: the hosted flow may not be framed.\n` : `integration ${id}: the hosted flow may be framed by ${framing.join(" ")}.\n`}`;
  io.out(values.json ? `${JSON.stringify({ ...updated.integration, changes: updated.changes }, null, 2)}\n` : `${summary}${describe(updated.integration)}`);
  io.err(
    await webhookWarnings(
      { "decision-webhook": values["decision-webhook"] && updated.integration.decisionWebhookUrl, "event-webhook": values["event-webhook"] && updated.integration.eventWebhookUrl },
      config.webhookAllowPrivate,
      id,
    ),
  );
  return 0;
}
