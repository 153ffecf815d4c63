import { describe, expect, it } from "vitest";
import { decide } from "../../../src/engine/policy/decide.js";
import { anInput, aPassport, policyWith } from "./fixtures.js";

const verdict = (d: ReturnType<typeof decide>) => ({ status: d.status, code: d.code, reasonCode: d.reasonCode });
const withPerson = (person: NonNullable<ReturnType<typeof anInput>["session"]["person"]>) => anInput({ session: { person } });

describe("the name", () => {
  it("declines a name that is not the document's (104)", () => {
    const d = decide(withPerson({ firstName: "Karin", lastName: "Svensson" }));
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 104 });
    expect(d.reason).toBe("Name entered does not match name on document");
    expect(d.checks.find((c) => c.name === "data.name")!.evidence).toMatchObject({ unmatched: ["KARIN", "SVENSSON"] });
  });

  it("has a person look at a name half the document's when it was read by OCR, declines it when read from a barcode", () => {
    // The surname may be the OCR's misread: no check digit covers an MRZ's names.
    const ocr = decide(withPerson({ firstName: "Anna", lastName: "Svensson" }));
    expect(verdict(ocr)).toEqual({ status: "review", code: 9121, reasonCode: null });
    const barcode = decide(anInput({ document: aPassport({ source: "pdf417", mrz: null }), session: { person: { firstName: "Anna", lastName: "Svensson" } } }));
    expect(verdict(barcode)).toEqual({ status: "declined", code: 9102, reasonCode: 104 });
  });

  it("accepts it whatever the case, the order and a middle name left out", () => {
    expect(decide(withPerson({ firstName: "ERIKSSON", lastName: "anna" })).status).toBe("approved");
  });

  it("accepts accents the document writes without them, or as ICAO spells them", () => {
    const document = aPassport({ fields: { firstName: "JOSE", lastName: "MUELLER GARCIA" } });
    expect(decide(anInput({ document, session: { person: { firstName: "José", lastName: "Müller García" } } })).status).toBe("approved");
    const plain = aPassport({ fields: { firstName: "JOSE", lastName: "MULLER" } });
    expect(decide(anInput({ document: plain, session: { person: { firstName: "José", lastName: "Müller" } } })).status).toBe("approved");
  });

  it("accepts a name sent in Cyrillic for its Latin transliteration", () => {
    const document = aPassport({ fields: { firstName: "IULIIA", lastName: "SHCHERBAKOVA" } });
    expect(decide(anInput({ document, session: { person: { firstName: "Юлия", lastName: "Щербакова" } } })).status).toBe("approved");
  });

  it("accepts hyphens and apostrophes as the MRZ writes them", () => {
    const document = aPassport({ fields: { firstName: "ANNE MARIE", lastName: "OBRIEN" } });
    expect(decide(anInput({ document, session: { person: { firstName: "Anne-Marie", lastName: "O'Brien" } } })).status).toBe("approved");
  });

  it("sends a one-letter slip to review instead of declining", () => {
    const barcode = aPassport({ source: "pdf417", mrz: null });
    const d = decide(anInput({ document: barcode, session: { person: { firstName: "Anna", lastName: "Eriksen" } } }));
    expect(d.reasonCode).toBe(104); // two edits: not a slip
    const slip = decide(withPerson({ firstName: "Anna", lastName: "Erikson" }));
    expect(verdict(slip)).toEqual({ status: "review", code: 9121, reasonCode: null });
    expect(slip.reason).toBe("The name is close to the document's but not the same");
  });

  it("lets the policy send name mismatches to review instead", () => {
    const d = decide({ ...withPerson({ firstName: "Karin", lastName: "Svensson" }), policy: policyWith({ actions: { "data.name": "review" } }) });
    expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
    expect(d.reason).toBe("The name differs from the document's");
  });
});

describe("the date of birth and the numbers", () => {
  it("sends a different date of birth to review by default", () => {
    const d = decide(withPerson({ dateOfBirth: "1990-05-21" }));
    expect(verdict(d)).toEqual({ status: "review", code: 9121, reasonCode: null });
  });

  it("declines it as a data cross-reference failure when the policy says so (507)", () => {
    const d = decide({ ...withPerson({ dateOfBirth: "1991-05-20" }), policy: policyWith({ actions: { "data.date_of_birth": "decline" } }) });
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 507 });
  });

  it("matches the document number whatever its spacing and case", () => {
    expect(decide(anInput({ session: { document: { number: "aa 123-4567" } } })).status).toBe("approved");
  });

  it("sends a document number that differs only by a look-alike (O for 0) to review", () => {
    const d = decide(anInput({ session: { document: { number: "AA12345G7" } } }));
    expect(d.status).toBe("review"); // a real difference: review by default
    const lookalike = decide(anInput({ session: { document: { number: "AAI234567" } } }));
    expect(lookalike.checks.find((c) => c.name === "data.document_number")!.outcome).toBe("inconclusive");
  });

  it("finds the personal number sent as idNumber", () => {
    expect(decide(withPerson({ idNumber: "19900520-1234" })).status).toBe("approved");
    expect(decide(withPerson({ idNumber: "19900520-9999" })).checks.find((c) => c.name === "data.id_number")!.outcome).toBe("fail");
  });
});

describe("the age", () => {
  const bornOn = (dateOfBirth: string, minimumAge: number | null = 18) => decide(anInput({ session: {}, document: aPassport({ fields: { dateOfBirth } }), policy: policyWith({ minimumAge }) }));

  it("declines someone under 18 with Veriff's code for it (533)", () => {
    const d = bornOn("2009-01-01");
    expect(verdict(d)).toEqual({ status: "declined", code: 9102, reasonCode: 533 });
    expect(d.reason).toBe("Person is under 18 years old");
    expect(d.checks.find((c) => c.name === "person.age")).toMatchObject({ score: 17, threshold: 18 });
  });

  it("counts the 18th birthday itself as 18", () => {
    expect(bornOn("2008-12-04").status).toBe("approved");
    expect(bornOn("2008-12-05").reasonCode).toBe(533);
  });

  it("uses each minimum's own code, the next listed one above an unlisted minimum, and none past 25", () => {
    expect(bornOn("2006-01-01", 21).reasonCode).toBe(535);
    expect(bornOn("2008-01-01", 19).reasonCode).toBe(534);
    expect(bornOn("2013-01-01", 13).status).toBe("approved");
    expect(bornOn("2014-01-01", 13).reasonCode).toBe(530);
    const old = bornOn("2000-01-01", 30);
    expect(verdict(old)).toEqual({ status: "declined", code: 9102, reasonCode: null });
    expect(old.reason).toBe("The person is younger than the minimum age");
  });

  it("sends an unreadable date of birth to review, and checks no age without a minimum", () => {
    expect(decide(anInput({ session: {}, document: aPassport({ fields: { dateOfBirth: null } }) })).status).toBe("review");
    expect(bornOn("2015-01-01", null).status).toBe("approved");
  });
});
