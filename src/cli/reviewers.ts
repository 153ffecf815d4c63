import { parseArgs } from "node:util";
import { Refusal } from "../backoffice/errors.js";
import type { ReviewerAccounts, Reviewer } from "../backoffice/accounts.js";
import { ROLES, type Role } from "../backoffice/tables.js";
import type { Io } from "./main.js";

export const REVIEWERS_USAGE = `  reviewers create --email E --role admin|reviewer [--password-stdin] [--json]
                                        a back-office account; without --password-stdin a one-time password is printed
  reviewers list [--json]
  reviewers disable EMAIL [--json]
  reviewers reset EMAIL [--password-stdin] [--second-factor] [--json]
                                        new password, unlocked; --second-factor also removes the TOTP`;

/** The whole of standard input. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const line = (r: Reviewer) =>
  `${r.email}  ${r.role}  ${r.active ? "active" : "disabled"}  ${r.secondFactor ? "totp" : "no-totp"}${r.lockedUntil && r.lockedUntil > Date.now() ? "  locked" : ""}`;

/** `earthid reviewers …`: back-office accounts, managed by whoever holds the store. */
export async function reviewerCommands(accounts: ReviewerAccounts, argv: string[], io: Io, stdin: () => Promise<string> = readStdin): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
      "second-factor": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const print = (value: unknown, text: string) => io.out(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  // Without its final newline: `echo pw | earthid …` means "pw".
  const password = async () => (values["password-stdin"] ? (await stdin()).replace(/\r?\n$/, "") : undefined);
  const printed = (otp: string | undefined) => (otp ? `one-time password (shown once, give it to its owner): ${otp}\n` : "");
  try {
    switch (sub) {
      case "create": {
        if (!values.email) throw new TypeError("reviewers create needs --email");
        if (!ROLES.includes(values.role as Role)) throw new TypeError(`reviewers create needs --role ${ROLES.join("|")}`);
        const result = await accounts.create({ email: values.email, role: values.role as Role, ...(values["password-stdin"] ? { password: (await password())! } : {}) });
        print(result, `created ${line(result.reviewer)}\n${printed(result.oneTimePassword)}`);
        return 0;
      }
      case "list": {
        const all = await accounts.list();
        print(all, all.length === 0 ? "no reviewers\n" : `${all.map(line).join("\n")}\n`);
        return 0;
      }
      case "disable": {
        if (!positionals[0]) throw new TypeError("reviewers disable needs an email");
        const reviewer = await accounts.disable(positionals[0]);
        print(reviewer, `disabled ${line(reviewer)}; their logins are ended\n`);
        return 0;
      }
      case "reset": {
        if (!positionals[0]) throw new TypeError("reviewers reset needs an email");
        const pw = await password();
        const result = await accounts.reset(positionals[0], { ...(pw === undefined ? {} : { password: pw }), secondFactor: values["second-factor"] });
        print(result, `reset ${line(result.reviewer)}\n${printed(result.oneTimePassword)}`);
        return 0;
      }
      default:
        throw new TypeError(`unknown reviewers command "${sub ?? ""}" (create, list, disable, reset)`);
    }
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    io.err(`earthid: ${error.message}\n`);
    return 1;
  }
}
