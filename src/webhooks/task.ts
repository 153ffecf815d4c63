import type { Keyring } from "../crypto/keyring.js";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.js";
import type { IntegrationService } from "../integrations/service.js";
import { httpSender } from "./delivery.js";
import { type DispatcherDeps, type SigningKeys, webhookDispatcher } from "./dispatcher.js";
import type { WebhookOutbox } from "./outbox.js";

/** The integration's current API key and secret; the key of an integration never changes, its secret may. */
export function signingKeysOf(integrations: Pick<IntegrationService, "getIntegration" | "findByApiKey">) {
  const apiKeys = new Map<string, string>();
  return async (integrationId: string): Promise<SigningKeys | undefined> => {
    let apiKey = apiKeys.get(integrationId);
    if (apiKey === undefined) {
      apiKey = (await integrations.getIntegration(integrationId))?.apiKey;
      if (apiKey === undefined) return undefined;
      apiKeys.set(integrationId, apiKey);
    }
    // Through the key cache, which forgets a rotated secret at once (in other processes too).
    const auth = await integrations.findByApiKey(apiKey);
    return auth ? { apiKey, secret: auth.secret, active: auth.active } : undefined;
  };
}

/** The dispatcher of one service instance, configured from the environment; `onAttemptEnded` feeds the metrics. */
export interface DispatcherTaskDeps {
  config: Pick<Config, "webhookTimeoutSeconds" | "webhookAllowPrivate" | "webhookConcurrency" | "webhookRetryDelaysSeconds" | "webhookRetryForSeconds" | "webhookRetryJitter" | "webhookPollMs">;
  repo: DispatcherDeps["repo"];
  integrations: Pick<IntegrationService, "getIntegration" | "findByApiKey">;
  outbox: Pick<WebhookOutbox, "onWake">;
  masterKey: Keyring;
  log: FastifyBaseLogger;
  onAttemptEnded?: DispatcherDeps["onAttemptEnded"];
}

export function webhookDispatcherTask({ config, repo, integrations, outbox, masterKey, log, onAttemptEnded }: DispatcherTaskDeps) {
  const timeoutMs = config.webhookTimeoutSeconds * 1000;
  const send = httpSender({ timeoutMs, allowPrivate: config.webhookAllowPrivate, maxSockets: config.webhookConcurrency });
  // Attempts under way, for the shutdown's report.
  let sending = 0;
  const dispatcher = webhookDispatcher({
    repo,
    onWake: outbox.onWake,
    signingKeys: signingKeysOf(integrations),
    masterKey,
    send: async (request) => {
      sending++;
      try {
        return await send(request);
      } finally {
        sending--;
      }
    },
    retry: { delaysMs: config.webhookRetryDelaysSeconds.map((s) => s * 1000), giveUpAfterMs: config.webhookRetryForSeconds * 1000, jitter: config.webhookRetryJitter },
    leaseMs: 3 * timeoutMs,
    concurrency: config.webhookConcurrency,
    pollMs: config.webhookPollMs,
    log,
    onAttemptEnded,
  });
  return {
    ...dispatcher,
    inFlight: () => sending,
    async stop() {
      await dispatcher.stop();
      send.close();
    },
  };
}
