import type { DocumentReading, MrzReading } from "../types.js";
import { ageOn, today } from "./dates.js";
import type { SessionClaims } from "./input.js";
import { type Judged, judged } from "./judged.js";
import { compareNames } from "./names.js";
import type { Policy } from "./policy.js";
import { underAgeCode } from "./rules.js";

/**
 * The document reader's checks on the images themselves (decoding, size, blur, glare, darkness):
 * it names them after the side ("document.front.blur", "document.back.glare"); "image.*" is the
 * generic form the policy's own tests use.
 */
const isImageCheck = (name: string) => /^(image|document\.(front|back))\./.test(name);

/**
 * The document's own checks (image quality, readable, check digits, specimen, expiry, type and
 * country) and its data against what the integrator sent (name, birth date, numbers, age). The
 * fields are trusted only when their check digits hold (or they came from a PDF417): otherwise
 * every check on them is inconclusive, and the check digits' own failure gives the reason.
 */
export function documentChecks(reading: DocumentReading, session: SessionClaims, policy: Policy, now: Date): Judged[] {
  const failedImage = reading.checks.filter((c) => isImageCheck(c.name) && c.outcome === "fail").map((c) => c.name);
  const imageOk = failedImage.length === 0;
  const out = [judged("document.image_quality", imageOk ? "pass" : "fail", { failed: failedImage })];
  if (reading.source === null) return [...out, judged("document.readable", "fail", { reason: "no MRZ or barcode was read" })];
  out.push(judged("document.readable", "pass", { source: reading.source }));

  const { mrz, fields } = reading;
  if (mrz) {
    const outcome = mrz.checkDigitsValid ? "pass" : imageOk && printedSo(mrz) ? "fail" : "inconclusive";
    out.push(judged("document.check_digits", outcome, { format: mrz.format, lines: mrz.lines, failing: mrz.failing, agreeingReads: mrz.agreeingReads }));
  }
  if (mrz?.specimen) out.push(judged("document.specimen", policy.specimens === "decline" ? "fail" : "pass", { specimen: true, policy: policy.specimens }));
  const trusted = reading.source === "pdf417" || mrz?.checkDigitsValid === true;
  // A field read wrong says nothing about the person: unsure, never a mismatch.
  const unless = (outcome: "pass" | "fail" | "inconclusive") => (trusted ? outcome : "inconclusive");

  const date = today(now);
  out.push(judged("document.expiry", fields.validUntil === null ? "inconclusive" : unless(fields.validUntil < date ? "fail" : "pass"), { validUntil: fields.validUntil, today: date }));

  const asked = session.document ?? {};
  if (asked.type) out.push(compared("document.type", asked.type, fields.documentType, unless));
  if (asked.country) out.push(compared("document.country", asked.country.toUpperCase(), fields.issuingCountry?.toUpperCase() ?? null, unless));

  const person = session.person ?? {};
  const sentName = [person.firstName, person.lastName].filter(Boolean).join(" ");
  if (sentName) {
    const documentName = [fields.firstName, fields.lastName].filter(Boolean).join(" ");
    if (!documentName) out.push(judged("data.name", "inconclusive", { sent: sentName, onDocument: null }));
    else {
      const { outcome, unmatched, nearly } = compareNames(sentName, documentName, reading.source === "pdf417" ? "digital" : "ocr");
      out.push(judged("data.name", unless(outcome), { sent: sentName, onDocument: documentName, unmatched, nearly }));
    }
  }
  if (person.dateOfBirth) out.push(compared("data.date_of_birth", person.dateOfBirth, fields.dateOfBirth, unless));
  if (asked.number) out.push(numberCheck("data.document_number", asked.number, [fields.documentNumber], unless));
  if (person.idNumber) out.push(numberCheck("data.id_number", person.idNumber, [fields.personalNumber, fields.documentNumber], unless));

  if (policy.minimumAge !== null) {
    const age = fields.dateOfBirth === null ? null : ageOn(fields.dateOfBirth, now);
    const outcome = age === null ? "inconclusive" : unless(age >= policy.minimumAge ? "pass" : "fail");
    out.push({ ...judged("person.age", outcome, { dateOfBirth: fields.dateOfBirth }, { score: age, threshold: policy.minimumAge }), declineCode: underAgeCode(policy.minimumAge) });
  }
  return out;
}

/**
 * Whether failing check digits are the document's, not the reading's. One misread character
 * breaks its field's check digit and the composite over it; a field's digit that fails while the
 * composite holds is what a forger who recomputed the composite leaves, and two cuts of the band
 * reading the very same lines rule out a passing misread. Anything else a person looks at.
 */
function printedSo(mrz: MrzReading): boolean {
  return mrz.compositeHolds === true && mrz.failing.length > 0 && mrz.agreeingReads >= 2;
}

type Unless = (outcome: "pass" | "fail" | "inconclusive") => "pass" | "fail" | "inconclusive";

function compared(rule: "document.type" | "document.country" | "data.date_of_birth", sent: string, read: string | null, unless: Unless): Judged {
  return judged(rule, read === null ? "inconclusive" : unless(sent === read ? "pass" : "fail"), { sent, onDocument: read });
}

/** Letters and digits only, upper case: "ab-123 45" is AB12345. */
const plain = (number: string) => number.toUpperCase().replace(/[^A-Z0-9]/g, "");
/** Letters a person (or an OCR) confuses with digits: O/0, I/1, S/5, B/8, Z/2. */
const blurred = (number: string) => plain(number).replace(/O/g, "0").replace(/[IL]/g, "1").replace(/S/g, "5").replace(/B/g, "8").replace(/Z/g, "2");

/** Equal → pass; equal once look-alike characters are folded → inconclusive; else fail. */
function numberCheck(rule: "data.document_number" | "data.id_number", sent: string, onDocument: (string | null)[], unless: Unless): Judged {
  const read = onDocument.filter((n): n is string => n !== null && plain(n) !== "");
  if (read.length === 0) return judged(rule, "inconclusive", { sent, onDocument: null });
  const outcome = read.some((n) => plain(n) === plain(sent)) ? "pass" : read.some((n) => blurred(n) === blurred(sent)) ? "inconclusive" : "fail";
  return judged(rule, unless(outcome), { sent, onDocument: read });
}
