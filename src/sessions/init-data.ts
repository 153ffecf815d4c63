import { type SealingKey, open } from "../crypto/sealing.js";
import type { SessionKeysTable, SessionsTable } from "../store/schema.js";
import type { DocumentInput, PersonInput } from "./schemas.js";

export const sessionKeyAad = (sessionId: string) => `session-key:${sessionId}`;
export const initDataAad = (sessionId: string) => `session-init:${sessionId}`;

/** What the integrator sent about the person and the document when creating the session. */
export interface InitData {
  person?: PersonInput | null;
  document?: DocumentInput | null;
}

/** The session's data key; gone for good once its session_keys row is deleted. */
export function openSessionKey(masterKey: SealingKey, key: SessionKeysTable): Buffer {
  return open(masterKey, key.key_sealed, sessionKeyAad(key.session_id));
}

export function openInitData(dataKey: Buffer | undefined, session: Pick<SessionsTable, "id" | "init_data_sealed">): InitData {
  if (!dataKey || !session.init_data_sealed) return {};
  return JSON.parse(open(dataKey, session.init_data_sealed, initDataAad(session.id)).toString("utf8")) as InitData;
}
