import { similarity } from "../engine/face/similarity.js";
import type { DuplicateMatch } from "../engine/policy/input.js";
import type { SessionService } from "../sessions/service.js";
import type { SessionsTable } from "../store/schema.js";
import { openFace } from "./record.js";
import type { AssessmentRepo } from "./repo.js";

/**
 * How many of the integration's latest selfies a new one is compared with. Each descriptor is
 * sealed under its own session's key (erasing a session erases its face), so each comparison opens
 * one: about a millisecond apiece.
 */
export const FACE_SEARCH_LIMIT = 5000;

type Holder = Pick<SessionsTable, "vendor_data" | "end_user_id">;

/** The same end user coming back (same vendorData or endUserId) is no duplicate: only someone else is. */
const sameHolder = (a: Holder, b: Holder) => (a.vendor_data !== null && a.vendor_data === b.vendor_data) || (a.end_user_id !== null && a.end_user_id === b.end_user_id);

export interface DuplicateQuery {
  session: Pick<SessionsTable, "id" | "integration_id" | "vendor_data" | "end_user_id">;
  /** The document number read, as its keyed hash under every live master key (none when no number was read). */
  documentKeys: readonly string[];
  /** The selfie's face descriptor, if a face was found. */
  face: number[] | undefined;
  /** Similarity at or above which two selfies are the same face (the policy's face threshold). */
  threshold: number;
}

/**
 * Other live sessions of the integration, held by someone else, where the engine read the same
 * document number or saw the same face.
 */
export function duplicateFinder({ repo, sessions, faceLimit = FACE_SEARCH_LIMIT }: { repo: Pick<AssessmentRepo, "withDocument" | "faces">; sessions: Pick<SessionService, "findAny" | "dataKey">; faceLimit?: number }) {
  async function otherHolder(session: Holder, sessionId: string): Promise<boolean> {
    const other = await sessions.findAny(sessionId);
    return other !== undefined && other.deleted_at === null && other.erased_at === null && !sameHolder(session, other);
  }

  return async function duplicates({ session, documentKeys, face, threshold }: DuplicateQuery): Promise<DuplicateMatch[]> {
    const found: DuplicateMatch[] = [];
    for (const { session_id } of await repo.withDocument(session.integration_id, documentKeys, session.id)) {
      if (await otherHolder(session, session_id)) found.push({ sessionId: session_id, kind: "document" });
    }
    if (face) {
      const best = new Map<string, number>();
      for (const row of await repo.faces(session.integration_id, session.id, faceLimit)) {
        const key = await sessions.dataKey(row.session_id);
        const other = key ? openFace(key, row) : undefined;
        const score = other ? similarity(face, other) : 0;
        if (score >= threshold && score > (best.get(row.session_id) ?? 0)) best.set(row.session_id, score);
      }
      for (const [sessionId, score] of best) {
        if (await otherHolder(session, sessionId)) found.push({ sessionId, kind: "face", score: Math.round(score * 1000) / 1000 });
      }
    }
    return found;
  };
}

export type DuplicateFinder = ReturnType<typeof duplicateFinder>;
