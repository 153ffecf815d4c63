import type { Config } from "./config.js";
import { loadMasterKey, loadTokenSecret } from "./crypto/keys.js";
import { type Store, openStore } from "./store/db.js";
import { integrationRepo } from "./integrations/repo.js";
import { type IntegrationService, integrationService } from "./integrations/service.js";

/** What both the server and the CLI stand on: the store and the server keys of one data directory. */
export interface Runtime {
  config: Config;
  store: Store;
  masterKey: Buffer;
  tokenSecret: Buffer;
  integrations: IntegrationService;
}

export function openRuntime(config: Config): Runtime {
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const tokenSecret = loadTokenSecret(config.dataDir, config.tokenSecret);
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, sqliteSynchronous: config.sqliteSynchronous });
  const integrations = integrationService({ repo: integrationRepo(store.db, store.kind), masterKey, changes: store.integrationChanges });
  return { config, store, masterKey, tokenSecret, integrations };
}
