import { createHmac } from "node:crypto";
import { Keyring, type MasterKey } from "../crypto/keyring.js";
import type { SessionService } from "../sessions/service.js";
import { openFindings } from "./record.js";
import type { AssessmentRepo } from "./repo.js";

/** Letters and digits, upper case: the same document number however it was typed or read. */
const plainNumber = (number: string) => number.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * The document number as a keyed hash, per integration: equal numbers give equal keys, and the
 * store never holds the number itself outside the sealed findings (the key is derived from the
 * master key, so the hash cannot be reversed by trying numbers without it).
 */
export function documentKeyer(masterKey: Keyring) {
  const keyOf = Keyring.derivedKeys("earthid document-number index");
  const under = (master: MasterKey, integrationId: string, plain: string) => createHmac("sha256", keyOf(master)).update(`${integrationId}\n${plain}`).digest("hex");
  const plainOf = (number: string | null) => (number === null ? "" : plainNumber(number));
  return {
    /** The hash recorded now: under the current master key. */
    current(integrationId: string, number: string | null): string | null {
      const plain = plainOf(number);
      return plain === "" ? null : under(masterKey.current(), integrationId, plain);
    },
    /**
     * The hashes to look for: one per live master key, since during a rotation (and until a running
     * server reloads the new key) rows re-hashed and rows not yet coexist.
     */
    all(integrationId: string, number: string | null): string[] {
      const plain = plainOf(number);
      return plain === "" ? [] : masterKey.all().map((master) => under(master, integrationId, plain));
    },
  };
}

export type DocumentKeyer = ReturnType<typeof documentKeyer>;

/**
 * `earthid keys rotate` and `prune`: every recorded document number hashed again under the current
 * master key, from the number in the sealed findings, so that a duplicate document is still found
 * once the old key is destroyed. Each row is updated only if its hash is still the one read (a
 * retried job may have just written it); run again, it changes nothing. Returns the rows re-hashed.
 */
export function documentKeyRehash({ repo, sessions, keyer }: { repo: Pick<AssessmentRepo, "documentKeyed" | "setDocumentKey">; sessions: Pick<SessionService, "dataKey">; keyer: DocumentKeyer }) {
  return async function rehash(): Promise<number> {
    let after = "";
    let changed = 0;
    for (;;) {
      const rows = await repo.documentKeyed(after, 500);
      if (rows.length === 0) return changed;
      for (const row of rows) {
        const dataKey = await sessions.dataKey(row.session_id);
        // An erased session's findings can no longer be opened; its rows go with its erasure.
        const number = dataKey ? openFindings(dataKey, row)?.document.number ?? null : null;
        const key = keyer.current(row.integration_id, number);
        if (key !== null && key !== row.document_key) changed += await repo.setDocumentKey(row.attempt_id, row.document_key, key);
      }
      after = rows[rows.length - 1]!.attempt_id;
    }
  };
}
