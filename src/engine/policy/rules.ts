import type { Action } from "./policy.js";

/** What a failing (or undecidable) check leads to, and the Veriff reason code for each action it may take. */
export interface Rule {
  action: Action;
  /** Reason code when the policy declines on it (null: none fits). */
  decline: number | null;
  /** Reason code when the policy asks for a new attempt on it. */
  resubmit: number | null;
  /** What the check failing means, said when no reason code fits (review carries none). */
  fail: string;
  /** What the check being undecidable means: always a person's look (review). */
  unsure: string;
}

const rule = (action: Action, decline: number | null, resubmit: number | null, fail: string, unsure: string): Rule => ({ action, decline, resubmit, fail, unsure });

/**
 * Every rule the policy applies, in the order their reasons are preferred when several fail with the
 * same action (the first failing decline rule gives the reason code, and so on).
 */
export const RULES = {
  "media.document": rule("resubmit", null, 209, "No document image", "No document image"),
  "media.selfie": rule("resubmit", null, 208, "No selfie", "No selfie"),
  "duplicate.document": rule("decline", 110, null, "The document was used in another session", "The document may have been used in another session"),
  "duplicate.face": rule("decline", 124, null, "The face was seen in another session", "The face may have been seen in another session"),
  "document.check_digits": rule("decline", 506, 204, "The MRZ's check digits do not add up", "The MRZ's check digits could not be checked on this image"),
  "document.specimen": rule("decline", 508, null, "The document is a specimen", "The document may be a specimen"),
  "document.expiry": rule("decline", 511, 207, "The document has expired", "The document's expiry could not be read"),
  "person.age": rule("decline", null, null, "The person is younger than the minimum age", "The person's age could not be established"),
  "data.name": rule("decline", 104, null, "The name differs from the document's", "The name is close to the document's but not the same"),
  "face.similarity": rule("decline", 103, null, "The selfie does not match the document's face", "The selfie and the document's face are alike, but not enough to tell"),
  "data.date_of_birth": rule("review", 507, null, "The date of birth differs from the one sent", "The date of birth could not be compared"),
  "data.document_number": rule("review", 507, null, "The document number differs from the one sent", "The document number is close to the one sent but not the same"),
  "data.id_number": rule("review", 507, null, "The personal number differs from the one sent", "The personal number is close to the one sent but not the same"),
  "document.type": rule("resubmit", 510, 206, "The document is not of the type asked for", "The document's type could not be read"),
  "document.country": rule("resubmit", 510, 206, "The document is not from the country asked for", "The document's issuing country could not be read"),
  "document.image_quality": rule("resubmit", null, 204, "The document image is blurred, dark, glared or too small", "The document image's quality is doubtful"),
  "document.readable": rule("resubmit", null, 203, "The document could not be read", "The document could not be read"),
  "face.document.count": rule("resubmit", null, 203, "The document's face could not be found", "The document shows more than one face of the same size"),
  "face.document.quality": rule("resubmit", null, 204, "The document's face is small or turned", "The document's face is small or turned"),
  "face.selfie.count": rule("resubmit", null, 202, "The selfie shows no face, or more than one", "The selfie's faces could not be counted"),
  "face.selfie.quality": rule("resubmit", null, 202, "The selfie's face is small or turned", "The selfie's face is small or turned"),
} satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;


/** Veriff's "person is under N" codes. */
export const UNDER_AGE_CODES: ReadonlyArray<readonly [age: number, code: number]> = [
  [13, 530], [14, 531], [16, 532], [18, 533], [20, 534], [21, 535], [25, 536],
];

/**
 * The code for someone younger than `minimumAge`: the one for the smallest listed age at or above
 * it (an 18-year-old under a minimum of 19 is "under 20"), or null past 25, where none is true.
 */
export function underAgeCode(minimumAge: number): number | null {
  return UNDER_AGE_CODES.find(([age]) => age >= minimumAge)?.[1] ?? null;
}
