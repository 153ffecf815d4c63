import { parseArgs } from "node:util";
import type { Integration, IntegrationService } from "../integrations/service.js";
import type { Io } from "./main.js";

function describe(integration: Integration & { sharedSecret?: string }): string {
  const lines = [
    `id:               ${integration.id}`,
    `name:             ${integration.name}${integration.isTest ? " (test)" : ""}${integration.active ? "" : " (deactivated)"}`,
    `API key:          ${integration.apiKey}`,
  ];
  if (integration.sharedSecret) lines.push(`shared secret:    ${integration.sharedSecret}   (shown once: store it now)`);
  if (integration.callbackUrl) lines.push(`callback:         ${integration.callbackUrl}`);
  if (integration.decisionWebhookUrl) lines.push(`decision webhook: ${integration.decisionWebhookUrl}`);
  if (integration.eventWebhookUrl) lines.push(`event webhook:    ${integration.eventWebhookUrl}`);
  return `${lines.join("\n")}\n`;
}

export async function integrationCommands(service: IntegrationService, argv: string[], io: Io): Promise<number> {
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
    },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  switch (sub) {
    case "create": {
      if (!values.name) throw new TypeError("integrations create needs --name");
      const created = await service.createIntegration({
        name: values.name,
        callbackUrl: values.callback,
        decisionWebhookUrl: values["decision-webhook"],
        eventWebhookUrl: values["event-webhook"],
        isTest: values.test,
      });
      print(created, describe(created));
      return 0;
    }
    case "list": {
      const all = await service.listIntegrations();
      print(all, all.length === 0 ? "no integrations\n" : all.map(describe).join("\n"));
      return 0;
    }
    case "rotate-secret":
    case "deactivate": {
      const id = positionals[0];
      if (!id) throw new TypeError(`integrations ${sub} needs an integration id`);
      if (sub === "rotate-secret") {
        const rotated = await service.rotateSecret(id);
        if (!rotated) return notFound(io, id);
        print(rotated, `shared secret of ${id} rotated; the old one no longer works.\nnew shared secret: ${rotated.sharedSecret}\n`);
      } else {
        if (!(await service.deactivateIntegration(id))) return notFound(io, id);
        print({ id, active: false }, `integration ${id} deactivated; its API key is now refused.\n`);
      }
      return 0;
    }
    default:
      throw new TypeError(`unknown integrations command "${sub ?? ""}" (create, list, rotate-secret, deactivate)`);
  }
}

function notFound(io: Io, id: string): number {
  io.err(`earthid: no integration with id ${id}\n`);
  return 1;
}
