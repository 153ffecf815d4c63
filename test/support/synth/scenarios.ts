/**
 * The engine's scenario suite: one verification per expected outcome, each with the decision we
 * propose and Veriff's reason code. Built for a day (`asOf`, normally today) so that "valid" and
 * "expired" stay true whenever the suite runs.
 *
 * Run each scenario in an integration of its own (the duplicate one's `before` sessions in the
 * same one): the repository has the faces of two people only, so across scenarios the same face
 * comes back under other names, which a duplicate-face check would rightly flag.
 */
import { type Case, type CaseOptions, buildCase } from "./case.js";
import type { IsoDate } from "./dates.js";
import { PEOPLE, otherPerson } from "./faces.js";
import type { DocumentType } from "./identity.js";
import { POOLS, surnameFor } from "./names.js";
import { type Random, createRandom } from "./random.js";
import type { Expected, Scenario, SessionRequest } from "./scenario-types.js";

export const SCENARIO_NAMES = [
  "approve", "approve_id_card", "approve_drivers_license", "name_mismatch", "expired", "under_age",
  "face_mismatch", "tampered_check_digit", "unreadable_mrz_blurred", "unreadable_mrz_covered",
  "blurred_selfie", "duplicate_document",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ScenarioOptions {
  seed: string | number;
  /** The day the engine will judge the documents on (ISO date); `todayUtc()` for a live suite. */
  asOf: IsoDate;
  /** The integration's minimum age the under-age scenario is built against: 13, 14, 16, 18 (default), 20, 21 or 25. */
  minimumAge?: number;
}

/** Veriff's declined reasons 530-536: "person is under 13 / 14 / 16 / 18 / 20 / 21 / 25". */
const UNDER_AGE_REASON: Record<number, number> = { 13: 530, 14: 531, 16: 532, 18: 533, 20: 534, 21: 535, 25: 536 };

const approved = (because: string): Expected => ({ status: "approved", code: 9001, reasonCode: null, because });
const declined = (reasonCode: number, because: string): Expected => ({ status: "declined", code: 9102, reasonCode, because });
const resubmit = (reasonCode: number, because: string): Expected => ({ status: "resubmission_requested", code: 9103, reasonCode, because });

function uuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[random.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What an integrator who knows the holder would send: the names as the holder writes them. */
function honestRequest(built: Case, random: Random, name: string): SessionRequest {
  const { holder } = built.document;
  const native = holder.native && random.chance(0.5) ? holder.native : null;
  return {
    person: {
      firstName: native?.givenNames ?? holder.givenNames,
      lastName: native?.surname ?? holder.surname,
      dateOfBirth: holder.dateOfBirth,
      ...(built.document.personalNumber ? { idNumber: built.document.personalNumber } : {}),
    },
    document: { type: built.document.type, country: built.document.issuingState.alpha2 ?? "", number: built.document.number },
    vendorData: `synth:${name}`,
    endUserId: uuid(random),
  };
}

function scenario(name: string, built: Case, sessionRequest: SessionRequest, expected: Expected): Scenario {
  return {
    name,
    documentFront: built.documentFront,
    ...(built.documentBack ? { documentBack: built.documentBack } : {}),
    selfie: built.selfie,
    sessionRequest,
    expected,
    truth: built.truth,
  };
}

/**
 * Men only: both people whose faces the repository has are men. Careful photos ("clean"): a
 * scenario tests what the policy decides from a document it can read; how well a reader copes
 * with poor photos is the held set's question.
 */
const base = (options: ScenarioOptions, type: DocumentType = "PASSPORT"): CaseOptions => ({ asOf: options.asOf, type, sex: "M", profile: "clean" });

export async function buildScenario(name: ScenarioName, options: ScenarioOptions): Promise<Scenario> {
  const random = createRandom(`${options.seed}/${name}`);
  const build = (extra: Partial<CaseOptions> = {}, type: DocumentType = "PASSPORT") => buildCase(random.fork("case"), { ...base(options, type), ...extra });
  const request = (built: Case) => honestRequest(built, random.fork("request"), name);
  switch (name) {
    case "approve": {
      const built = await build();
      return scenario(name, built, request(built), approved("a valid passport, the holder's selfie and the holder's data"));
    }
    case "approve_id_card": {
      const built = await build({}, "ID_CARD");
      return scenario(name, built, request(built), approved("a valid ID card (MRZ on the back), the holder's selfie and data"));
    }
    case "approve_drivers_license": {
      // The happy path: the back photographed square on (PDF417 readers fail from 2° without a deskew retry).
      const built = await build({ readableSide: { rotationDeg: 1, tiltXDeg: 0, tiltYDeg: 0, blurSigma: 0 } }, "DRIVERS_LICENSE");
      return scenario(name, built, request(built), approved("a valid US licence whose PDF417 carries the holder's data"));
    }
    case "name_mismatch": {
      const built = await build();
      const other = random.fork("impostor");
      const { holder } = built.document;
      let impostor = { firstName: holder.givenNames, lastName: holder.surname };
      while (impostor.firstName === holder.givenNames || impostor.lastName === holder.surname) {
        const pool = POOLS[other.pick(["en", "de", "fr", "es", "it"] as const)];
        impostor = { firstName: other.pick(pool.male), lastName: surnameFor(other.pick(pool.surnames), "M") };
      }
      const sent = request(built);
      sent.person = impostor;
      return scenario(name, built, sent, declined(104, "the session's person has another name than the document"));
    }
    case "expired": {
      const built = await build({ expired: true });
      return scenario(name, built, request(built), declined(511, `the document expired on ${built.document.dateOfExpiry}`));
    }
    case "under_age": {
      const minimum = options.minimumAge ?? 18;
      const reason = UNDER_AGE_REASON[minimum];
      if (!reason) throw new Error(`Veriff has no under-age reason for a minimum age of ${minimum}`);
      const built = await build({ age: { min: minimum - 3, max: minimum - 1 } });
      return scenario(name, built, request(built), declined(reason, `the holder is under ${minimum}, the integration's minimum age`));
    }
    case "face_mismatch": {
      const person = random.fork("person").pick(PEOPLE);
      const built = await build({ person, selfiePerson: otherPerson(person) });
      return scenario(name, built, request(built), declined(103, "the selfie shows another person than the document"));
    }
    case "tampered_check_digit": {
      const built = await build({ tamper: true });
      return scenario(name, built, request(built), declined(506, "the birth date's check digit does not match; the composite does"));
    }
    case "unreadable_mrz_blurred": {
      const built = await build({ readableSide: { blurSigma: 8 } });
      return scenario(name, built, request(built), resubmit(204, "the document photo is too blurred to read"));
    }
    case "unreadable_mrz_covered": {
      const built = await build({ coverMrz: true });
      return scenario(name, built, request(built), resubmit(203, "a sheet of paper covers the MRZ"));
    }
    case "blurred_selfie": {
      const built = await build({ blurredSelfie: true });
      return scenario(name, built, request(built), resubmit(202, "the selfie's face is blurred beyond use"));
    }
    case "duplicate_document": {
      const original = await build();
      const again = await buildCase(random.fork("again"), { ...base(options), document: original.document, portraitPhoto: original.portraitPhoto });
      const first = scenario(`${name}:original`, original, request(original), approved("the document's first use"));
      const second = scenario(name, again, honestRequest(again, random.fork("second-user"), name),
        declined(110, "the same document number was verified in another session, for another end user"));
      return { ...second, before: [first] };
    }
  }
}

/** Every scenario, in the order of `SCENARIO_NAMES`. */
export async function buildScenarioSuite(options: ScenarioOptions): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const name of SCENARIO_NAMES) out.push(await buildScenario(name, options));
  return out;
}
