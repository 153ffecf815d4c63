import { parseArgs } from "node:util";
import type { JobQueue } from "../jobs/service.js";
import type { JobRow } from "../jobs/repo.js";
import { JOB_STATUSES, type JobStatus } from "../store/schema.js";
import type { Io } from "./main.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the operator sees of a job: never its payload's values beyond the ids it names. */
const viewOf = (job: JobRow) => ({
  id: job.id,
  kind: job.kind,
  subject: job.subject,
  status: job.status,
  attempts: job.attempts,
  runAt: iso(job.run_at),
  claimedUntil: iso(job.claimed_until),
  lastError: job.last_error,
  createdAt: iso(job.created_at),
  finishedAt: iso(job.finished_at),
});

function describe(job: ReturnType<typeof viewOf>): string {
  const when = job.status === "pending" ? `due ${job.runAt}` : job.status === "running" ? `leased until ${job.claimedUntil}` : `finished ${job.finishedAt}`;
  return [`${job.id}  ${job.kind}  ${job.status}  attempts ${job.attempts}  created ${job.createdAt}`, `    subject ${job.subject ?? "-"}; ${when}${job.lastError ? `; last error: ${job.lastError}` : ""}`].join("\n");
}

const isStatus = (value: string): value is JobStatus => (JOB_STATUSES as readonly string[]).includes(value);

/** `earthid jobs list [--status S] [--kind K] [--limit N]` and `earthid jobs retry ID`, over every kind. */
export async function jobCommands({ jobs, pollMs }: { jobs: Pick<JobQueue, "list" | "retry">; pollMs: number }, argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { status: { type: "string" }, kind: { type: "string" }, limit: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  switch (sub) {
    case "list": {
      if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) throw new TypeError("--limit must be a positive integer");
      if (values.status !== undefined && !isStatus(values.status)) throw new TypeError(`--status must be one of ${JOB_STATUSES.join(", ")}`);
      const rows = await jobs.list({ status: values.status, kind: values.kind, limit: values.limit !== undefined ? Number(values.limit) : 50 });
      const views = rows.map(viewOf);
      print(views, views.length === 0 ? "no jobs\n" : `${views.map(describe).join("\n")}\n`);
      return 0;
    }
    case "retry": {
      const id = positionals[0];
      if (!id) throw new TypeError("jobs retry needs a job id");
      const job = await jobs.retry(id);
      if (!job) {
        io.err(`earthid: no job ${id}\n`);
        return 1;
      }
      if (job.status === "running") {
        io.err(`earthid: job ${id} is running (leased until ${iso(job.claimed_until)}); it is left as it is\n`);
        return 1;
      }
      print(viewOf(job), `job ${job.id} (${job.kind}) is due again with fresh attempts; a running worker takes it within ${pollMs} ms.\n`);
      return 0;
    }
    default:
      throw new TypeError(`unknown jobs command "${sub ?? ""}" (list, retry)`);
  }
}
