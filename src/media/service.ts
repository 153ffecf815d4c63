import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { apiError } from "../errors.js";
import type { Actor } from "../audit/events.js";
import type { AuditRepo } from "../audit/repo.js";
import type { SessionService } from "../sessions/service.js";
import type { SessionLifecycle } from "../verification/transitions.js";
import { OPEN_FOR_MEDIA } from "../verification/states.js";
import { isUuid } from "../store/ids.js";
import type { SessionStatus, SessionsTable } from "../store/schema.js";
import { checkImage } from "./image-check.js";
import type { MediaRepo, MediaRow } from "./repo.js";
import type { MediaItem, MediaList, UploadBody, UploadResponse } from "./schemas.js";
import type { MediaFiles } from "./storage.js";
import type { DecodedUpload, MediaWork } from "./work.js";
import { newRowId } from "../store/ids.js";

export interface MediaServiceDeps {
  repo: MediaRepo;
  files: MediaFiles;
  sessions: Pick<SessionService, "sessionFor" | "visibleTo">;
  /** The session's data key; undefined once it was destroyed. */
  dataKey: (sessionId: string) => Promise<Buffer | undefined>;
  lifecycle: Pick<SessionLifecycle, "inLockedSession" | "openAttempt" | "attemptSession">;
  audit: Pick<AuditRepo, "record">;
  publicUrl: string;
}

/**
 * Who asks (what the actor may see: sessions/service.ts, visibleTo), and where the URLs we hand out
 * point: the prefix the request came in on ("/v1" or "/earthid/api").
 */
export interface Caller {
  actor: Actor;
  apiPrefix: string;
}

const notFound = (what: string) => apiError("NOT_FOUND", { what });
const ourId = (id: string) => (isUuid(id) ? id.toLowerCase() : undefined);

/** `image.content` of an upload, as the media worker read it; null when the body had none (or null). */
export type UploadContent = NonNullable<DecodedUpload["content"]> | null;

/** The upload's bytes, or the error its content gets (1400 for none at all). */
function uploadedBytes(content: UploadContent) {
  if (content === null) throw apiError("IMAGE_NOT_FOUND", { field: "image.content", detail: "is empty" });
  if ("error" in content) throw content.error;
  return content;
}

export function mediaService({ repo, files, sessions, dataKey, lifecycle, audit, publicUrl }: MediaServiceDeps) {
  const item = (row: MediaRow, apiPrefix: string): MediaItem => ({
    id: row.id,
    name: row.context,
    context: row.context,
    timestamp: null,
    size: row.size,
    mimetype: row.mimetype,
    url: `${publicUrl}${apiPrefix}/media/${row.id}`,
    sessionId: row.session_id,
    attemptId: row.attempt_id,
  });

  const list = (rows: MediaRow[], apiPrefix: string): MediaList => ({ status: "success", images: rows.map((row) => item(row, apiPrefix)), videos: [] });

  const closed = (status: SessionStatus) => apiError("CONFLICT", { detail: `Session is ${status}: media can be uploaded only until it is submitted` });

  return {
    /**
     * One image into the session's current attempt; the first upload of an attempt opens it (the
     * session becomes started, 7001). The file is written before the row commits and removed if
     * the transaction fails, so a row never points at nothing.
     */
    async upload({
      actor,
      apiPrefix,
      sessionId,
      image,
      replacing = false,
    }: Caller & {
      sessionId: string;
      image: { context: UploadBody["image"]["context"]; content: UploadContent };
      /**
       * The image replaces the attempt's earlier ones of its context (the hosted flow, which keeps one
       * image per context: a retake). The API keeps every upload, as Veriff's does.
       */
      replacing?: boolean;
    }): Promise<UploadResponse> {
      const { bytes, sha256 } = uploadedBytes(image.content);
      const session = await sessions.sessionFor(actor, sessionId);
      // Before the costly decode; checked again under the session's lock.
      if (!OPEN_FOR_MEDIA.includes(session.status)) throw closed(session.status);
      const checked = await checkImage(bytes);
      const key = await dataKey(session.id);
      if (!key) throw notFound("Session");

      const mediaId = newRowId();
      const size = bytes.length;
      let replaced: string[] = [];
      // The bytes go to the sealing thread and are not ours to read after this.
      await files.write(session.id, mediaId, key, bytes);
      try {
        const row = await lifecycle.inLockedSession({ sessionId: session.id, actor }, async (locked) => {
          if (!OPEN_FOR_MEDIA.includes(locked.session.status)) throw closed(locked.session.status);
          const attemptId = await lifecycle.openAttempt(locked);
          // A superseded capture is not evidence: its row goes, so that no one (the integrator's
          // GET media, the engine at submission) takes it for the current one; its file below.
          replaced = replacing ? await repo.deleteInAttempt(locked.trx, attemptId, image.context) : [];
          const row: MediaRow = {
            id: mediaId,
            session_id: session.id,
            attempt_id: attemptId,
            context: image.context,
            mimetype: checked.mimetype,
            size,
            width: checked.width,
            height: checked.height,
            sha256,
            created_at: locked.at,
          };
          await repo.insert(locked.trx, row);
          await audit.record(locked.trx, {
            integrationId: locked.integration.id,
            sessionId: session.id,
            actor: locked.actor,
            at: locked.at,
            event: { type: "media.uploaded", data: { attemptId, mediaId, context: row.context, mimetype: row.mimetype, size: row.size, ...(replaced.length > 0 ? { replaced } : {}) } },
          });
          return row;
        });
        // After the commit; a file left behind (a crash here) is sealed clutter that the session's erasure removes.
        await Promise.all(replaced.map((id) => files.remove(session.id, id).catch(() => undefined)));
        return { status: "success", image: item(row, apiPrefix) };
      } catch (error) {
        // Sealed under the session's key either way; a file left behind is unreadable clutter, not a leak.
        await files.remove(session.id, mediaId).catch(() => undefined);
        throw error;
      }
    },

    /** The latest attempt's media (docs/veriff-api.md §4.4); older attempts through listForAttempt. */
    async listForSession({ actor, apiPrefix, sessionId }: Caller & { sessionId: string }): Promise<MediaList> {
      const session = await sessions.sessionFor(actor, sessionId);
      if (!session.current_attempt_id || session.erased_at !== null) return list([], apiPrefix);
      return list(await repo.listForAttempt(session.current_attempt_id), apiPrefix);
    },

    async listForAttempt({ actor, apiPrefix, attemptId }: Caller & { attemptId: string }): Promise<MediaList> {
      const id = ourId(attemptId);
      const attempt = id ? await lifecycle.attemptSession(id) : undefined;
      const session = attempt ? await sessions.visibleTo(actor, attempt.session_id) : undefined;
      if (!attempt || !session) throw notFound("Attempt");
      return list(session.erased_at !== null ? [] : await repo.listForAttempt(attempt.id), apiPrefix);
    },

    /**
     * The image as uploaded, with its HMAC under `secret` when one is given (the response's signature,
     * worked out off the event loop). Another integration's media, an erased one and a missing one
     * all read as absent.
     */
    async download({ actor, mediaId, secret = null }: { actor: Actor; mediaId: string; secret?: Buffer | null }): Promise<{ mimetype: string; bytes: Buffer; hmac: string | null }> {
      const id = ourId(mediaId);
      const row = id ? await repo.find(id) : undefined;
      const session = row ? await sessions.visibleTo(actor, row.session_id) : undefined;
      if (!row || !session || session.erased_at !== null) throw notFound("Media");
      const key = await dataKey(session.id);
      const file = key ? await files.read(session.id, row.id, key, secret) : undefined;
      if (!file) throw notFound("Media");
      return { mimetype: row.mimetype, ...file };
    },

    /**
     * Every attempt's media of a session as stored rows (dimensions, attempt), for a reviewer's
     * session page, which has read the session (and so knows it may be seen); none once erased.
     */
    async allOfSession(session: Pick<SessionsTable, "id" | "erased_at">): Promise<MediaRow[]> {
      return session.erased_at !== null ? [] : repo.listForSession(session.id);
    },

    /**
     * The last image of each of `contexts` in an attempt, opened (the engine reads an attempt's
     * document and selfie); none once the session is erased, or when `actor` may not see it.
     */
    async attemptImages({ actor, attemptId, contexts }: { actor: Actor; attemptId: string; contexts: readonly string[] }): Promise<Map<string, { bytes: Buffer; sha256: string }>> {
      const images = new Map<string, { bytes: Buffer; sha256: string }>();
      const attempt = await lifecycle.attemptSession(attemptId);
      const session = attempt ? await sessions.visibleTo(actor, attempt.session_id) : undefined;
      const key = session && session.erased_at === null ? await dataKey(session.id) : undefined;
      if (!session || !key) return images;
      const latest = new Map<string, MediaRow>();
      for (const row of await repo.listForAttempt(attemptId)) if (contexts.includes(row.context)) latest.set(row.context, row);
      for (const [context, row] of latest) {
        const file = await files.read(session.id, row.id, key);
        if (file) images.set(context, { bytes: file.bytes, sha256: row.sha256 });
      }
      return images;
    },

    /** The session a media belongs to, when `actor` may see it (to name it and its integration in an audit event). */
    async sessionOf({ actor, mediaId }: { actor: Actor; mediaId: string }): Promise<SessionsTable | undefined> {
      const id = ourId(mediaId);
      const row = id ? await repo.find(id) : undefined;
      return row ? sessions.visibleTo(actor, row.session_id) : undefined;
    },

    /**
     * For DELETE and retention: removes the session's media files and returns how many there were.
     * The rows stay, as metadata (context, type, size, sha256) that decisions and the audit trail
     * refer to; once the session is erased (erased_at) the API shows none of them. Touches no
     * database, so it may be called anywhere; call it after the data key's destruction committed.
     */
    async eraseSessionMedia(sessionId: string): Promise<number> {
      const id = ourId(sessionId);
      return id ? files.eraseSession(id) : 0;
    },

    /**
     * The media capability's part of an erasure, inside the erasing transaction: how many media the
     * session has, and the removal of their files, to run once the erasure committed.
     */
    async forgetSession(trx: Kysely<Database>, sessionId: string): Promise<{ files: number; afterCommit: () => Promise<void> }> {
      return { files: await repo.countForSession(trx, sessionId), afterCommit: async () => void (await files.eraseSession(sessionId)) };
    },
  };
}

export type MediaService = ReturnType<typeof mediaService>;
