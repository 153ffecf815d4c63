import { apiError } from "../errors.js";
import type { SessionStatus, SessionsTable } from "../store/schema.js";
import type { ListPosition, SessionRepo } from "./repo.js";
import type { SessionEnvelope } from "./schemas.js";
import { sessionVerification } from "./envelope.js";
import { isUuid } from "../store/ids.js";
import type { SessionTokens } from "./token.js";

export const LIST_DEFAULT_LIMIT = 20;
export const LIST_MAX_LIMIT = 100;

export interface ListQuery {
  vendorData?: string | undefined;
  /** One of SESSION_STATUSES: the route's schema lets nothing else through. */
  status?: SessionStatus | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
}

export type SessionListItem = SessionEnvelope["verification"] & { createdAt: string; updatedAt: string };

/**
 * Cursors are opaque to integrators: base64url of `[createdAt, id]` of the page's last session.
 * Not secret (a cursor only moves within the caller's own sessions), only checked for shape.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString("base64url");
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && value[0] >= 0 && typeof value[1] === "string" && isUuid(value[1])) {
      return { createdAt: value[0] as number, id: value[1] };
    }
  } catch {
    // Not JSON: answered below like any other foreign cursor.
  }
  throw apiError("INVALID_PARAMETER", { field: "querystring cursor", detail: "is not a cursor this endpoint issued" });
}

export interface SessionListDeps {
  repo: Pick<SessionRepo, "page">;
  tokens: Pick<SessionTokens, "sign">;
  publicUrl: string;
}

/** GET /sessions: an EarthID extension (Veriff has no list, docs/veriff-api.md §12). */
export function sessionList({ repo, tokens, publicUrl }: SessionListDeps) {
  // The same verification object GET /sessions/{id} answers, with the session's times.
  const item = (row: SessionsTable): SessionListItem => ({
    ...sessionVerification(row, tokens, publicUrl),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  });

  return {
    async list(integrationId: string, query: ListQuery): Promise<{ status: "success"; verifications: SessionListItem[]; nextCursor: string | null }> {
      const limit = query.limit === undefined ? LIST_DEFAULT_LIMIT : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
        throw apiError("INVALID_PARAMETER", { field: "querystring limit", detail: `must be an integer from 1 to ${LIST_MAX_LIMIT}` });
      }
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      // One row more than asked tells whether there is a next page.
      const rows = await repo.page({ integrationId, vendorData: query.vendorData, status: query.status, after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        status: "success",
        verifications: page.map(item),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: Number(last.created_at), id: last.id }) : null,
      };
    },
  };
}

export type SessionList = ReturnType<typeof sessionList>;
