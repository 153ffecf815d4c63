import { type Kysely, sql } from "kysely";
import type { Store } from "../../src/store/db.js";
import type { Database } from "../../src/store/schema.js";
import { randomBytes } from "node:crypto";
import type { Keyring } from "../../src/crypto/keyring.js";
import { seal } from "../../src/crypto/sealing.js";
import { initDataAad, sessionKeyAad } from "../../src/sessions/init-data.js";
import { vendorDataCodec } from "../../src/sessions/vendor-data.js";

/**
 * Fills a store with sessions in bulk, straight in SQL (generate_series on PostgreSQL, a recursive
 * CTE on SQLite), with what a session brings along in realistic proportion: per 20 sessions, 12
 * approved, 2 declined, 1 in review, 1 waiting for resubmission, 2 created, 1 started, 1 expired;
 * each submitted one with an attempt, 2 media rows (no files), a decision, 3 webhook deliveries each
 * with one attempt; about 3.4 audit events and a data key per session. Sealed columns hold text of
 * the length the real ones have. For the plan test and bench:scale, never for the service itself.
 *
 * Sessions are spread over `spanMs` before `now`, newest last; vendorData (`user-N`, N = i / 3)
 * repeats every 3 sessions. With `sealedWith` (the master keyring) each session has a data key of its
 * own, and its vendorData (hashed and sealed) and init data sealed under it, as the service writes
 * them: pages and the vendorData filter read them as they read any session. Without, the init data
 * is filler text of the sealed length and vendorData is in the plain column, as a store of before
 * migration 0009 holds it (read as it is, never opened).
 */
export interface BulkFill {
  integrationId: string;
  count: number;
  /** Sessions per statement. */
  chunk?: number;
  now?: number;
  spanMs?: number;
  /** A reviewer account: the sessions a reviewer decided (1 in 20) get their review case. */
  reviewerId?: string;
  /** The master keyring: every session's data key, vendorData and init data really sealed (some seconds per 100,000). */
  sealedWith?: Keyring;
  /** Told after each chunk: sessions written so far. */
  progress?: (written: number) => void;
}

const DECIDED = "i % 20 <= 15";

export async function bulkFill(store: Pick<Store, "db" | "kind">, { integrationId, reviewerId, count, chunk = 50_000, now = Date.now(), spanMs = 90 * 86_400_000, sealedWith, progress }: BulkFill): Promise<void> {
  const pg = store.kind === "postgres";
  const salt = Math.floor(Math.random() * 0x7fffffff);
  const step = Math.max(1, Math.floor(spanMs / Math.max(1, count)));
  const start = now - spanMs;
  /** A UUID-shaped id, one per (tag, i): every table's rows get their own tag. */
  const id = (tag: number, i = "i") =>
    pg ? `lpad(to_hex(${salt}),8,'0')||'-'||lpad(to_hex(${tag}),4,'0')||'-7000-8000-'||lpad(to_hex(${i}::bigint),12,'0')` : `printf('%08x-%04x-7000-8000-%012x', ${salt}, ${tag}, ${i})`;
  const text = (length: number) => (pg ? `repeat('x', ${length})` : `printf('%.*c', ${length}, 'x')`);
  const at = (offsetMs = 0) => `(${start} + i * ${step} + ${offsetMs})`;
  const status = `case when i % 20 <= 11 then 'approved' when i % 20 <= 13 then 'declined' when i % 20 = 14 then 'review' when i % 20 = 15 then 'resubmission_requested'
    when i % 20 <= 17 then 'created' when i % 20 = 18 then 'started' else 'expired' end`;
  const integration = `'${integrationId.replaceAll("'", "''")}'`;
  const db = store.db as Kysely<Database>;
  const lowest = await db.selectFrom("audit_events").select((eb) => eb.fn.min("seq").as("seq")).executeTakeFirst();
  const seqBase = Math.min(0, Number(lowest?.seq ?? 0)) - 1;

  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk) - 1;
    const series = pg
      ? `with s as (select g::bigint as i from generate_series(${from}, ${to}) g)`
      : `with recursive s(i) as (select ${from} union all select i + 1 from s where i < ${to})`;
    await db.transaction().execute(async (trx) => {
      const exec = (statement: string) => sql.raw(statement.replace("$series", series)).execute(trx);
      const sealed = sealedWith !== undefined;
      if (sealed) await sealedColumns(trx, pg, from, to, (i) => `${hex(salt, 8)}-${hex(1, 4)}-7000-8000-${hex(i, 12)}`, sealedWith);
      // Sealed: each session's columns from the table of them; else filler, and vendorData in the plain column.
      const of = (column: string) => `(select ${column} from bulk_sealed where bulk_sealed.i = s.i)`;
      const vendorData = sealed ? `null, ${of("vendor_data_hash")}, ${of("vendor_data_sealed")}` : "'user-' || (i / 3), null, null";
      await exec(`insert into sessions (id, integration_id, status, vendor_data, vendor_data_hash, vendor_data_sealed, end_user_id, callback_url, lang, init_data_sealed, token_iat, created_at, updated_at,
          current_attempt_id, started_at, submitted_at, decided_at, deleted_at, erased_at)
        $series select ${id(1)}, ${integration}, ${status}, ${vendorData}, null, null, 'en', ${sealed ? of("init_data_sealed") : text(420)}, ${at()}, ${at()}, ${at(600_000)},
          case when i % 20 <= 15 or i % 20 = 18 then ${id(2)} end, case when i % 20 <= 15 or i % 20 = 18 then ${at(60_000)} end,
          case when ${DECIDED} then ${at(300_000)} end, case when ${DECIDED} or i % 20 = 19 then ${at(600_000)} end, null, null from s`);
      await exec(`insert into session_keys (session_id, key_sealed) $series select ${id(1)}, ${sealed ? of("key_sealed") : text(124)} from s`);
      await exec(`insert into attempts (id, session_id, number, status, created_at, submitted_at, decided_at)
        $series select ${id(2)}, ${id(1)}, 1, case when i % 20 = 18 then 'started' else ${status} end, ${at(60_000)},
          case when ${DECIDED} then ${at(300_000)} end, case when ${DECIDED} then ${at(600_000)} end from s where ${DECIDED} or i % 20 = 18`);
      await exec(`insert into decisions (id, session_id, attempt_id, status, code, reason, reason_code, decided_by, decided_at)
        $series select ${id(3)}, ${id(1)}, case when i % 20 = 19 then null else ${id(2)} end, ${status},
          case when i % 20 <= 11 then 9001 when i % 20 <= 13 then 9102 when i % 20 = 14 then 9121 when i % 20 = 15 then 9103 else 9104 end,
          null, case when i % 20 between 12 and 13 then 102 end, 'engine', ${at(600_000)} from s where ${DECIDED} or i % 20 = 19`);
      for (const [tag, context] of [[4, "document-front"], [5, "face"]] as const) {
        await exec(`insert into media (id, session_id, attempt_id, context, mimetype, size, width, height, sha256, created_at)
          $series select ${id(tag)}, ${id(1)}, ${id(2)}, '${context}', 'image/jpeg', 1800000, 3000, 2000, ${text(64)}, ${at(120_000 + tag)} from s where ${DECIDED}`);
      }
      // Deliveries: started (7001) and submitted (7002) events, then the decision; each delivered at its first attempt.
      for (const [tag, kind, code, offset] of [[6, "event", 7001, 60_000], [7, "event", 7002, 300_000], [8, "decision", 0, 600_000]] as const) {
        const codeSql = code === 0 ? "case when i % 20 <= 11 then 9001 when i % 20 <= 13 then 9102 when i % 20 = 14 then 9121 else 9103 end" : String(code);
        await exec(`insert into webhook_deliveries (id, integration_id, session_id, kind, code, url, payload_sealed, status, attempts, next_attempt_at, claimed_until,
            last_attempt_at, last_status_code, last_error, delivered_at, created_at)
          $series select ${id(tag)}, ${integration}, ${id(1)}, '${kind}', ${codeSql}, 'https://hooks.example.com/earthid', ${text(kind === "event" ? 560 : 1500)}, 'delivered', 1,
            ${at(offset)}, null, ${at(offset + 80)}, 200, null, ${at(offset + 80)}, ${at(offset)} from s where ${DECIDED}`);
        await exec(`insert into webhook_attempts (delivery_id, number, attempted_at, status_code, error, duration_ms)
          $series select ${id(tag)}, 1, ${at(offset + 80)}, 200, null, 80 from s where ${DECIDED}`);
      }
      for (const [tag, type, offset, where] of [
        [9, "session.created", 0, "1 = 1"],
        [10, "session.started", 60_000, `${DECIDED} or i % 20 = 18`],
        [11, "session.submitted", 300_000, DECIDED],
        [12, "session.decided", 600_000, `${DECIDED} or i % 20 = 19`],
      ] as const) {
        // Written already sealed (hashes of the right length), as a store of that age holds them: left
        // unsealed, they would keep the background sealer busy for an hour. Their sequence numbers are
        // negative, below any written before, so that the running sealer's next ones never collide.
        await exec(`insert into audit_events (id, integration_id, session_id, type, actor, data, created_at, seq, prev_hash, hash)
          $series select ${id(tag)}, ${integration}, ${id(1)}, '${type}', 'integrator', ${text(96)}, ${at(offset)}, ${seqBase} - i * 4 - ${tag - 9}, ${text(64)}, ${text(64)} from s where ${where}`);
      }
      if (reviewerId !== undefined) {
        await exec(`insert into review_cases (id, session_id, attempt_id, reviewer_id, assigned_at, decided_at, decision_id, note)
          $series select ${id(13)}, ${id(1)}, ${id(2)}, '${reviewerId.replaceAll("'", "''")}', ${at(400_000)}, ${at(600_000)}, ${id(3)}, null from s where i % 20 = 13`);
      }
      if (sealed) await sql`drop table bulk_sealed`.execute(trx);
    });
    progress?.(to + 1);
  }
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");

/**
 * Sessions from..to's sealed columns, made as the sessions service makes them, in a temporary table
 * the inserts read (SQL can neither seal nor compute the keyed hash).
 */
async function sealedColumns(trx: Kysely<Database>, pg: boolean, from: number, to: number, sessionId: (i: number) => string, masterKey: Keyring): Promise<void> {
  await sql.raw(`create temp table bulk_sealed (i bigint primary key, key_sealed text not null, vendor_data_hash text not null, vendor_data_sealed text not null, init_data_sealed text not null)${pg ? " on commit drop" : ""}`).execute(trx);
  const codec = vendorDataCodec(masterKey);
  const table = trx.withTables<{ bulk_sealed: { i: number; key_sealed: string; vendor_data_hash: string; vendor_data_sealed: string; init_data_sealed: string } }>();
  for (let first = from; first <= to; first += 500) {
    const rows = Array.from({ length: Math.min(500, to - first + 1) }, (_, k) => {
      const i = first + k;
      const id = sessionId(i);
      const dataKey = randomBytes(32);
      const { vendor_data_hash, vendor_data_sealed } = codec.columns(id, dataKey, `user-${Math.floor(i / 3)}`);
      return { i, key_sealed: seal(masterKey, dataKey, sessionKeyAad(id)), vendor_data_hash: vendor_data_hash!, vendor_data_sealed: vendor_data_sealed!, init_data_sealed: seal(dataKey, INIT_DATA, initDataAad(id)) };
    });
    await table.insertInto("bulk_sealed").values(rows).execute();
  }
}

/** What an integrator typically sends about the person and the document (about the filler's length, sealed). */
const INIT_DATA = JSON.stringify({
  person: { firstName: "Mari", lastName: "Maasikas", idNumber: "49002010965", dateOfBirth: "1990-02-01", gender: "F", nationality: "EE", email: "mari.maasikas@example.com", phoneNumber: "+37255512345" },
  document: { type: "PASSPORT", country: "EE", number: "K1234567", validFrom: "2021-03-04", validUntil: "2031-03-04" },
  address: { fullAddress: "Pikk 12-3, 10123 Tallinn, Estonia" },
});
