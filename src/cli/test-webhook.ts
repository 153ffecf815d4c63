import { parseArgs } from "node:util";
import type { Services } from "../services.js";
import { answeredWell, sendTestWebhooks } from "../verification/test-webhook.js";
import type { Io } from "./main.js";

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
  const sent = await sendTestWebhooks({ integrations, config }, id, values.kind);
  if ("problem" in sent) {
    io.err(
      sent.problem === "not_found"
        ? `earthid: no integration with id ${id}\n`
        : `earthid: integration ${id} has no ${values.kind ?? "decision or event"} webhook URL; set one with: earthid integrations update ${id} --${values.kind ?? "decision"}-webhook URL\n`,
    );
    return 1;
  }
  const { results } = sent;

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
  return results.every(answeredWell) ? 0 : 1;
}
