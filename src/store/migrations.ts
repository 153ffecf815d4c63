import type { Kysely, Migration, MigrationProvider } from "kysely";

/**
 * One list of migrations for both backends, written with Kysely's schema builder only, so the same
 * text runs on SQLite and PostgreSQL. Never edit a migration that has shipped: add the next one.
 */
const migrations: Record<string, Migration> = {
  "0001_integrations_and_sessions": {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("integrations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("api_key", "text", (c) => c.notNull().unique())
        .addColumn("secret_sealed", "text", (c) => c.notNull())
        .addColumn("callback_url", "text")
        .addColumn("decision_webhook_url", "text")
        .addColumn("event_webhook_url", "text")
        .addColumn("is_test", "integer", (c) => c.notNull())
        .addColumn("active", "integer", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("integration_id", "text", (c) => c.notNull().references("integrations.id"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("vendor_data", "text")
        .addColumn("end_user_id", "text")
        .addColumn("callback_url", "text")
        .addColumn("lang", "text")
        .addColumn("init_data_sealed", "text")
        .addColumn("token_iat", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("sessions_integration_created")
        .on("sessions")
        .columns(["integration_id", "created_at"])
        .execute();
      await db.schema
        .createIndex("sessions_integration_vendor_data")
        .on("sessions")
        .columns(["integration_id", "vendor_data"])
        .execute();
      await db.schema
        .createTable("session_keys")
        .addColumn("session_id", "text", (c) => c.primaryKey())
        .addColumn("key_sealed", "text", (c) => c.notNull())
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

export const migrationNames = Object.keys(migrations);
