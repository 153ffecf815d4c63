import { describe, expect, it } from "vitest";
import { decide } from "../../../src/engine/policy/decide.js";
import { aFace, aFaceReading, anInput, aPassport, descriptor, policyWith } from "./fixtures.js";

const verdict = (d: ReturnType<typeof decide>) => ({ status: d.status, code: d.code, reasonCode: d.reasonCode });
const selfieAt = (similarity: number) => aFaceReading([aFace({ embedding: descriptor(similarity) })]);
const policy = policyWith({ face: { threshold: 0.6, reviewFrom: 0.45 } });

describe("face similarity", () => {
  it("approves at the threshold itself", () => {
    expect(decide(anInput({ policy, selfieFace: selfieAt(0.6) })).status).toBe("approved");
  });

  it("declines a face below the review band as another person (103)", () => {
    const d = decide(anInput({ policy, selfieFace: selfieAt(0.3) }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 103 });
    expect(d.reason).toBe("Person showing the document does not appear to match document photo");
  });

  it("sends a face between the review band's start and the threshold to review", () => {
    for (const similarity of [0.45, 0.59]) {
      const d = decide(anInput({ policy, selfieFace: selfieAt(similarity) }));
      expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
      expect(d.reason).toBe("The selfie and the document's face are alike, but not enough to tell");
    }
  });

  it("holds each integration to its own threshold", () => {
    expect(decide(anInput({ policy: policyWith({ face: { threshold: 0.95, reviewFrom: 0.92 } }), selfieFace: selfieAt(0.9) })).reasonCode).toBe(103);
  });

  it("asks for a new selfie, not a decline, when a low score comes from a small or turned selfie (202)", () => {
    const turned = aFaceReading([aFace({ embedding: descriptor(0.2), pose: { yaw: 40, pitch: 0, roll: 0 } })], { pose: "fail" });
    const d = decide(anInput({ policy, selfieFace: turned }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 202 });
    expect(d.checks.find((c) => c.name === "face.similarity")!.outcome).toBe("inconclusive");
  });

  it("asks for a better document photo when a low score comes from the document's small face (204)", () => {
    const small = aFaceReading([aFace({ box: { x: 0, y: 0, width: 40, height: 40 } })], { size: "fail" });
    expect(verdict(decide(anInput({ policy, documentFace: small, selfieFace: selfieAt(0.2) })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 204 });
  });

  it("does not decline on a low score when the document image itself is poor", () => {
    const blurred = aPassport({ checks: [{ name: "image.blur", outcome: "fail", score: 10, threshold: 60, evidence: {} }] });
    expect(decide(anInput({ policy, document: blurred, selfieFace: selfieAt(0.2) })).reasonCode).toBe(204);
  });
});

describe("face count", () => {
  it("asks for a selfie with a face when it has none (202)", () => {
    const d = decide(anInput({ selfieFace: aFaceReading([]) }));
    expect(verdict(d)).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 202 });
    expect(d.reason).toBe("Face not clearly visible");
  });

  it("asks for a selfie of one person when it shows two (202)", () => {
    const two = aFaceReading([aFace({ embedding: descriptor(0.9) }), aFace()]);
    expect(verdict(decide(anInput({ selfieFace: two })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 202 });
  });

  it("asks for the whole document when no face is found on it (203)", () => {
    expect(verdict(decide(anInput({ documentFace: aFaceReading([]) })))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 203 });
  });

  it("sends a document with two faces of a size to review", () => {
    const d = decide(anInput({ documentFace: aFaceReading([aFace(), aFace()]) }));
    expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
    expect(d.reason).toBe("The document shows more than one face of the same size");
  });

  it("counts only the faces the face model counted (a small ghost portrait does not)", () => {
    const withGhost = aFaceReading([aFace(), aFace({ box: { x: 0, y: 0, width: 90, height: 90 } })], { count: 1 });
    expect(decide(anInput({ documentFace: withGhost })).status).toBe("approved");
  });
});

describe("which reason wins", () => {
  it("a decline over a request for a new attempt, and that over a review", () => {
    const expiredWithPoorSelfie = anInput({ document: aPassport({ fields: { validUntil: "2001-01-01" } }), selfieFace: aFaceReading([aFace({ embedding: descriptor(0.9) })], { size: "fail" }) });
    expect(decide(expiredWithPoorSelfie).reasonCode).toBe(511);
    const poorSelfieAndNoExpiry = anInput({ document: aPassport({ fields: { validUntil: null } }), selfieFace: aFaceReading([aFace({ embedding: descriptor(0.9) })], { size: "fail" }) });
    expect(verdict(decide(poorSelfieAndNoExpiry))).toEqual({ status: "resubmission_requested", code: 9103, reasonCode: 202 });
  });

  it("among declines, the rules' order: a duplicate before tampering before the expiry before the face", () => {
    const everything = anInput({
      policy,
      document: aPassport({ fields: { validUntil: "2001-01-01" } }),
      selfieFace: selfieAt(0.1),
      duplicates: [{ sessionId: "s-9", kind: "document" }],
    });
    expect(decide(everything).reasonCode).toBe(110);
    expect(decide({ ...everything, duplicates: [] }).reasonCode).toBe(511);
    expect(decide({ ...everything, duplicates: [], document: aPassport() }).reasonCode).toBe(103);
  });

  it("records every check whichever wins", () => {
    const d = decide(anInput({ policy, selfieFace: selfieAt(0.1), document: aPassport({ fields: { validUntil: "2001-01-01" } }) }));
    expect(d.checks.filter((c) => c.outcome === "fail").map((c) => c.name).sort()).toEqual(["document.expiry", "face.similarity"]);
  });
});
