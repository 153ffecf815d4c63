import { parseArgs } from "node:util";
import type { Integration, IntegrationService } from "../integrations/service.js";
import type { Io } from "./main.js";
import { OPERATOR } from "../audit/events.js";
import { webhookWarnings } from "./webhook-warnings.js";
import { callbackProblem } from "../integrations/urls.js";

export function describe(integration: Integration & { sharedSecret?: string }): string {
  const lines = [
    `id:               ${integration.id}`,
    `name:             ${integration.name}${integration.isTest ? " (test)" : ""}${integration.active ? "" : " (deactivated)"}`,
    `API key:          ${integration.apiKey}`,
  ];
  if (integration.sharedSecret) lines.push(`shared secret:    ${integration.sharedSecret}   (shown once: store it now)`);
  if (integration.callbackUrl) lines.push(`callback:         ${integration.callbackUrl}`);
  if (integration.decisionWebhookUrl) lines.push(`decision webhook: ${integration.decisionWebhookUrl}`);
  if (integration.eventWebhookUrl) lines.push(`event webhook:    ${integration.eventWebhookUrl}`);
  if (integration.frameAncestors.length > 0) lines.push(`frame ancestors:  ${integration.frameAncestors.join(" ")}`);
  lines.push(`strict signing:   ${integration.strictSignatures ? "on (every request needs x-earthid-signature)" : "off (Veriff's X-HMAC-SIGNATURE on Veriff's endpoints)"}`);
  if (integration.retentionDays !== null) lines.push(`retention:        ${integration.retentionDays} days after a final decision`);
  return `${lines.join("\n")}\n`;
}

export async function integrationCommands(service: IntegrationService, argv: string[], io: Io, settings: { webhookAllowPrivate: boolean } = { webhookAllowPrivate: false }): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      callback: { type: "string" },
      "decision-webhook": { type: "string" },
      "event-webhook": { type: "string" },
      test: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "retention-days": { type: "string" },
      "frame-ancestors": { type: "string" },
    },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  switch (sub) {
    case "create": {
      if (!values.name) throw new TypeError("integrations create needs --name");
      // The integration's callback is every session's default one: the same rule as a session's own.
      const problem = values.callback === undefined ? undefined : callbackProblem(values.callback, values.test);
      if (problem) throw new TypeError(`--callback ${JSON.stringify(values.callback)} is refused: ${problem}`);
      const created = await service.createIntegration({
        name: values.name,
        callbackUrl: values.callback,
        decisionWebhookUrl: values["decision-webhook"],
        eventWebhookUrl: values["event-webhook"],
        isTest: values.test,
        retentionDays: values["retention-days"] === undefined ? undefined : retentionDays(values["retention-days"]),
        frameAncestors: values["frame-ancestors"],
      }, OPERATOR);
      print(created, describe(created));
      // On stderr: --json output stays parseable.
      io.err(await webhookWarnings({ "decision-webhook": created.decisionWebhookUrl, "event-webhook": created.eventWebhookUrl }, settings.webhookAllowPrivate, created.id));
      return 0;
    }
    case "list": {
      const all = await service.listIntegrations();
      print(all, all.length === 0 ? "no integrations\n" : all.map(describe).join("\n"));
      return 0;
    }
    case "show": {
      const id = positionals[0];
      if (!id) throw new TypeError("integrations show needs an integration id");
      const integration = await service.getIntegration(id);
      if (!integration) return notFound(io, id);
      print(integration, describe(integration));
      return 0;
    }
    case "rotate-secret":
    case "deactivate": {
      const id = positionals[0];
      if (!id) throw new TypeError(`integrations ${sub} needs an integration id`);
      if (sub === "rotate-secret") {
        const rotated = await service.rotateSecret(id, OPERATOR);
        if (!rotated) return notFound(io, id);
        print(rotated, `shared secret of ${id} rotated; the old one no longer works.\nnew shared secret: ${rotated.sharedSecret}\n`);
      } else {
        if (!(await service.deactivateIntegration(id, OPERATOR))) return notFound(io, id);
        print({ id, active: false }, `integration ${id} deactivated; its API key is now refused.\n`);
      }
      return 0;
    }
    case "set-retention": {
      const [id, days] = positionals;
      if (!id || !days) throw new TypeError("integrations set-retention needs an integration id and DAYS or none");
      const updated = await service.setRetention(id, days === "none" ? null : retentionDays(days));
      if (!updated) return notFound(io, id);
      print(updated, updated.retentionDays === null ? `integration ${id} keeps session data (no retention period).\n` : `integration ${id}: session media and personal data are erased ${updated.retentionDays} days after a final decision.\n`);
      return 0;
    }
    default:
      throw new TypeError(`unknown integrations command "${sub ?? ""}" (create, list, show, update, rotate-secret, deactivate, set-retention, test-webhook)`);
  }
}

function retentionDays(raw: string): number {
  if (!/^\d{1,6}$/.test(raw)) throw new TypeError(`retention must be a whole number of days or "none", got "${raw}"`);
  return Number(raw);
}

function notFound(io: Io, id: string): number {
  io.err(`earthid: no integration with id ${id}\n`);
  return 1;
}
