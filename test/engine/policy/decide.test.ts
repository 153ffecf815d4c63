import { describe, expect, it } from "vitest";
import { decide } from "../../../src/engine/policy/decide.js";
import { aFace, aFaceReading, anInput, aPassport, descriptor, NOW, policyWith } from "./fixtures.js";

const outcomeOf = (decision: ReturnType<typeof decide>, name: string) => decision.checks.find((c) => c.name === name)?.outcome;
const verdict = (d: ReturnType<typeof decide>) => ({ status: d.status, code: d.code, reasonCode: d.reasonCode });

describe("a clean attempt", () => {
  it("is approved with every check recorded and the policy's version", () => {
    const decision = decide(anInput({ policy: policyWith({ version: 7 }) }));
    expect(verdict(decision)).toEqual({ status: "approved", code: 9001, reasonCode: null });
    expect(decision.reason).toBeNull();
    expect(decision.policyVersion).toBe(7);
    const names = decision.checks.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["image.blur", "document.check_digits", "document.expiry", "data.name", "data.date_of_birth", "data.document_number", "person.age", "face.similarity", "duplicate.document", "duplicate.face"]));
    expect(decision.checks.filter((c) => c.outcome === "fail")).toEqual([]);
  });

  it("records the similarity with its threshold", () => {
    const similarity = decide(anInput()).checks.find((c) => c.name === "face.similarity")!;
    expect(similarity.score).toBeCloseTo(0.9, 3);
    expect(similarity.threshold).toBe(policyWith().face.threshold);
  });

  it("records the selfie's antispoof and liveness scores but is not swayed by them", () => {
    const decision = decide(anInput({ selfieFace: aFaceReading([aFace({ embedding: descriptor(0.9), antispoof: 0.05, live: 0.02 })]) }));
    expect(decision.status).toBe("approved");
    expect(decision.checks.find((c) => c.name === "face.selfie.antispoof")).toMatchObject({ score: 0.05, outcome: "inconclusive" });
    expect(decision.checks.find((c) => c.name === "face.selfie.liveness")).toMatchObject({ score: 0.02 });
  });

  it("leaves out the comparisons the integrator gave nothing for", () => {
    const decision = decide(anInput({ session: {} }));
    expect(decision.status).toBe("approved");
    expect(decision.checks.map((c) => c.name)).not.toEqual(expect.arrayContaining(["data.name"]));
    expect(decision.checks.some((c) => c.name.startsWith("data."))).toBe(false);
  });
});

describe("missing media", () => {
  it("asks for the document photo when there is none (209)", () => {
    expect(verdict(decide(anInput({ document: null, documentFace: null })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 209 });
  });
  it("asks for the selfie when there is none (208)", () => {
    const d = decide(anInput({ selfieFace: null }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 208 });
    expect(d.reason).toBe("Selfie missing");
  });
  it("never approves a document whose face was not read", () => {
    expect(decide(anInput({ documentFace: null })).reasonCode).toBe(209);
  });
});

describe("duplicates", () => {
  it("declines a document number seen in another end user's session (110)", () => {
    const d = decide(anInput({ duplicates: [{ sessionId: "s-1", kind: "document" }] }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 110 });
    expect(d.checks.find((c) => c.name === "duplicate.document")!.evidence).toEqual({ sessions: [{ sessionId: "s-1" }] });
  });
  it("declines a face seen in another end user's session (124)", () => {
    const d = decide(anInput({ duplicates: [{ sessionId: "s-2", kind: "face", score: 0.91 }] }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 124 });
    expect(d.reason).toBe("Face already exists in the face collection");
  });
});

describe("the document", () => {
  it("declines a field's check digit that fails while the composite holds, read alike twice, as tampering (506)", () => {
    const tampered = { checkDigitsValid: false, failing: ["birthDate"], compositeHolds: true, agreeingReads: 2 };
    const d = decide(anInput({ document: aPassport({ mrz: tampered }) }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 506 });
  });

  it("has a person look, never declines, when failing check digits look like a misread (9121)", () => {
    // One character misread breaks its field's check digit and the composite over it.
    const misread = aPassport({ mrz: { checkDigitsValid: false, failing: ["documentNumber", "composite"], compositeHolds: false, agreeingReads: 3 } });
    expect(verdict(decide(anInput({ document: misread })))).toEqual({ status: "review", code: 9121, reasonCode: null });
    // The tampering pattern, but read only once: the next cut of the band might have read it otherwise.
    const once = aPassport({ mrz: { checkDigitsValid: false, failing: ["birthDate"], compositeHolds: true, agreeingReads: 1 } });
    expect(outcomeOf(decide(anInput({ document: once })), "document.check_digits")).toBe("inconclusive");
  });

  it("withholds a document number its check digit let through by chance: a person looks (9121)", () => {
    const d = decide(anInput({ document: aPassport({ mrz: { withheld: ["documentNumber"] }, fields: { documentNumber: null } }), session: { document: { number: "AA1234567" } } }));
    expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
    expect(outcomeOf(d, "data.document_number")).toBe("inconclusive");
  });

  it("asks for a better photo, not tampering, when the check digits fail on a blurred image (204)", () => {
    const blurred = aPassport({ mrz: { checkDigitsValid: false }, checks: [{ name: "image.blur", outcome: "fail", score: 12, threshold: 60, evidence: {} }] });
    const d = decide(anInput({ document: blurred }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 204 });
    expect(outcomeOf(d, "document.check_digits")).toBe("inconclusive");
  });

  it("does not hold fields whose check digits fail against the person (no name mismatch on a misread)", () => {
    const tampered = { checkDigitsValid: false, failing: ["birthDate"], compositeHolds: true, agreeingReads: 2 };
    const d = decide(anInput({ document: aPassport({ mrz: tampered, fields: { lastName: "ERIKSS0N" } }) }));
    expect(d.reasonCode).toBe(506);
    expect(outcomeOf(d, "data.name")).toBe("inconclusive");
  });

  it("asks for a better photo when the document image is poor, even though it was read (204)", () => {
    const glared = aPassport({ checks: [{ name: "image.glare", outcome: "fail", score: 0.09, threshold: 0.05, evidence: {} }] });
    const d = decide(anInput({ document: glared }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 204 });
    expect(d.checks.find((c) => c.name === "document.image_quality")!.evidence).toEqual({ failed: ["image.glare"] });
  });

  it("ignores the reader's failed steps that are not about the image", () => {
    const d = decide(anInput({ document: aPassport({ checks: [{ name: "mrz.tesseract", outcome: "fail", score: null, threshold: null, evidence: {} }] }) }));
    expect(d.status).toBe("approved");
  });

  it("asks for the whole document when nothing could be read off it (203)", () => {
    const unread = aPassport({ source: null, mrz: null, fields: { firstName: null, lastName: null, dateOfBirth: null, documentNumber: null, validUntil: null } });
    const d = decide(anInput({ document: unread }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 203 });
    expect(d.reason).toBe("Full document not visible");
  });

  it("trusts a driving licence's barcode, which has no check digits", () => {
    const licence = aPassport({ source: "pdf417", mrz: null, fields: { documentType: "DRIVERS_LICENSE" } });
    const d = decide(anInput({ document: licence, session: { document: { type: "DRIVERS_LICENSE" } } }));
    expect(d.status).toBe("approved");
    expect(d.checks.some((c) => c.name === "document.check_digits")).toBe(false);
  });

  it("declines an expired document (511)", () => {
    const d = decide(anInput({ document: aPassport({ fields: { validUntil: "2026-12-03" } }) }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 511 });
    expect(d.reason).toBe("Presented document expired");
  });

  it("accepts a document on its last valid day", () => {
    expect(decide(anInput({ document: aPassport({ fields: { validUntil: "2026-12-04" } }) })).status).toBe("approved");
  });

  it("asks for another document instead, when the policy says so (207)", () => {
    const d = decide(anInput({ document: aPassport({ fields: { validUntil: "2020-01-01" } }), policy: policyWith({ actions: { "document.expiry": "resubmit" } }) }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 207 });
  });

  it("sends a document without a readable expiry to review", () => {
    const d = decide(anInput({ document: aPassport({ fields: { validUntil: null } }) }));
    expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
    expect(d.reason).toBe("The document's expiry could not be read");
  });

  it("asks for the document type the session asked for (206)", () => {
    const d = decide(anInput({ session: { document: { type: "ID_CARD" } } }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 206 });
  });

  it("asks for a document of the country the session asked for (206), whatever the case", () => {
    expect(decide(anInput({ session: { document: { country: "FI" } } })).reasonCode).toBe(206);
    expect(decide(anInput({ session: { document: { country: "se" } } })).status).toBe("approved");
  });

  it("declines a wrong type when the policy says so (510)", () => {
    const d = decide(anInput({ session: { document: { type: "ID_CARD" } }, policy: policyWith({ actions: { "document.type": "decline" } }) }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 510 });
  });

  it("flags a specimen and decides as usual by default", () => {
    const d = decide(anInput({ document: aPassport({ mrz: { specimen: true } }) }));
    expect(d.status).toBe("approved");
    expect(d.checks.find((c) => c.name === "document.specimen")).toMatchObject({ outcome: "pass", evidence: { specimen: true, policy: "flag" } });
  });

  it("declines a specimen when the policy refuses them (508)", () => {
    const d = decide(anInput({ document: aPassport({ mrz: { specimen: true } }), policy: policyWith({ specimens: "decline" }) }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 508 });
  });
});
