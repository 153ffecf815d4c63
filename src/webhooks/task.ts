import type { FastifyBaseLogger } from "fastify";
import type { Runtime } from "../runtime.js";
import { httpSender } from "./delivery.js";
import { type DispatcherDeps, type SigningKeys, webhookDispatcher } from "./dispatcher.js";
import { deliveryRepo } from "./repo.js";

/** The integration's current API key and secret; the key of an integration never changes, its secret may. */
export function signingKeysOf(integrations: Runtime["integrations"]) {
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
export function webhookDispatcherTask({ config, store, integrations, outbox, masterKey }: Runtime, log: FastifyBaseLogger, onAttemptEnded?: DispatcherDeps["onAttemptEnded"]) {
  const timeoutMs = config.webhookTimeoutSeconds * 1000;
  const send = httpSender({ timeoutMs, allowPrivate: config.webhookAllowPrivate, maxSockets: config.webhookConcurrency });
  const dispatcher = webhookDispatcher({
    repo: deliveryRepo(store),
    onWake: outbox.onWake,
    signingKeys: signingKeysOf(integrations),
    masterKey,
    send,
    retry: { delaysMs: config.webhookRetryDelaysSeconds.map((s) => s * 1000), giveUpAfterMs: config.webhookRetryForSeconds * 1000, jitter: config.webhookRetryJitter },
    leaseMs: 3 * timeoutMs,
    concurrency: config.webhookConcurrency,
    pollMs: config.webhookPollMs,
    log,
    onAttemptEnded,
  });
  return {
    ...dispatcher,
    async stop() {
      await dispatcher.stop();
      send.close();
    },
  };
}
