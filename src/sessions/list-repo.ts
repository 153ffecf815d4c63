import type { Kysely } from "kysely";
import type { Database, SessionsTable } from "../store/schema.js";

/** Where a page ends: the last row's creation time and id (rows are ordered by both, newest first). */
export interface ListPosition {
  createdAt: number;
  id: string;
}

export interface ListFilter {
  integrationId: string;
  vendorData?: string | undefined;
  status?: string | undefined;
  after?: ListPosition | undefined;
  limit: number;
}

/** SQL of the session list: keyset pagination over (created_at, id), an integration's live sessions only. */
export function sessionListRepo(db: Kysely<Database>) {
  return {
    async page({ integrationId, vendorData, status, after, limit }: ListFilter): Promise<SessionsTable[]> {
      let query = db.selectFrom("sessions").selectAll().where("integration_id", "=", integrationId).where("deleted_at", "is", null);
      if (vendorData !== undefined) query = query.where("vendor_data", "=", vendorData);
      if (status !== undefined) query = query.where("status", "=", status);
      if (after) {
        query = query.where((eb) => eb.or([eb("created_at", "<", after.createdAt), eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)])]));
      }
      return query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
    },
  };
}

export type SessionListRepo = ReturnType<typeof sessionListRepo>;
