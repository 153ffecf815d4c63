import type { BackofficeDb, LoginStage, ReviewerLoginsTable, ReviewersTable } from "./tables.js";

/** SQL of reviewer accounts and their logins. */
export function accountsRepo(db: BackofficeDb) {
  return {
    insert: (row: ReviewersTable) => db.insertInto("reviewers").values(row).execute(),
    byEmail: (email: string) => db.selectFrom("reviewers").selectAll().where("email", "=", email).executeTakeFirst(),
    byId: (id: string) => db.selectFrom("reviewers").selectAll().where("id", "=", id).executeTakeFirst(),
    list: () => db.selectFrom("reviewers").selectAll().orderBy("email").execute(),
    emails: async (ids: string[]) => (ids.length === 0 ? [] : db.selectFrom("reviewers").select(["id", "email"]).where("id", "in", ids).execute()),
    async update(id: string, values: Partial<ReviewersTable>): Promise<void> {
      await db.updateTable("reviewers").set(values).where("id", "=", id).execute();
    },
    /** Counts one failure; locks the account until `lockUntil` once `limit` is reached. Returns the new count. */
    async countFailure(id: string, limit: number, lockUntil: number, at: number): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom("reviewers").select("failed_logins").where("id", "=", id).executeTakeFirstOrThrow();
        const failures = row.failed_logins + 1;
        await trx
          .updateTable("reviewers")
          .set(failures >= limit ? { failed_logins: 0, locked_until: lockUntil, updated_at: at } : { failed_logins: failures, updated_at: at })
          .where("id", "=", id)
          .execute();
        return failures;
      });
    },

    insertLogin: (row: ReviewerLoginsTable) => db.insertInto("reviewer_logins").values(row).execute(),
    login: (tokenHash: string) => db.selectFrom("reviewer_logins").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst(),
    async touchLogin(tokenHash: string, values: { last_seen_at: number; expires_at?: number; stage?: LoginStage }): Promise<void> {
      await db.updateTable("reviewer_logins").set(values).where("token_hash", "=", tokenHash).execute();
    },
    async endLogin(tokenHash: string): Promise<void> {
      await db.deleteFrom("reviewer_logins").where("token_hash", "=", tokenHash).execute();
    },
    async endLoginsOf(reviewerId: string): Promise<void> {
      await db.deleteFrom("reviewer_logins").where("reviewer_id", "=", reviewerId).execute();
    },
    async endExpired(at: number): Promise<void> {
      await db.deleteFrom("reviewer_logins").where("expires_at", "<", at).execute();
    },
  };
}

export type AccountsRepo = ReturnType<typeof accountsRepo>;
