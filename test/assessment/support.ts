import { createHash } from "node:crypto";
import type { Actor } from "../../src/audit/events.js";
import type { Services } from "../../src/services.js";
import type { Scenario } from "../support/synth/index.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

export interface SubmittedAttempt {
  sessionId: string;
  attemptId: string;
}

/**
 * A session of the integration with `apiKey`, made from a synthetic scenario as an integrator would
 * make it (the session request, the document's sides and the selfie uploaded, then submitted),
 * through the services themselves. `omit` leaves images out.
 */
export async function submitScenario(
  services: Services,
  apiKey: string,
  scenario: Scenario,
  options: { vendorData?: string; endUserId?: string; omit?: ("document-front" | "document-back" | "face")[] } = {},
): Promise<SubmittedAttempt> {
  const integration = (await services.integrations.findByApiKey(apiKey))!;
  const { vendorData, endUserId, omit = [] } = options;
  const body = { verification: { ...scenario.sessionRequest, ...(vendorData ? { vendorData } : {}), ...(endUserId ? { endUserId } : {}) } };
  const created = await services.sessions.createSession({ integration, body });
  const sessionId = created.verification.id;
  const actor: Actor = { kind: "integrator", integrationId: integration.id };
  const images = [["document-front", scenario.documentFront], ["document-back", scenario.documentBack], ["face", scenario.selfie]] as const;
  for (const [context, bytes] of images) {
    if (!bytes || omit.includes(context)) continue;
    await services.media.upload({ actor, apiPrefix: "/earthid/api", sessionId, image: { context, content: { bytes: Buffer.from(bytes), sha256: sha256(bytes) } } });
  }
  const session = await services.lifecycle.submit({ sessionId, actor });
  return { sessionId, attemptId: session.current_attempt_id! };
}

/** The surname as a TD3 passport's MRZ prints it (transliterated, upper case): what the engine reads back. */
export const mrzSurname = (scenario: Scenario) => scenario.truth.mrz![0]!.slice(5).split("<<")[0]!.replace(/</g, " ");
