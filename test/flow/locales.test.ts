import { describe, expect, it } from "vitest";
import { LOCALES, chooseLang, isRightToLeft, messagesFor } from "../../src/flow/i18n.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the flow's locale files", () => {
  const english = LOCALES.en!;

  it("speak the six languages the issue asks for, Arabic right to left", () => {
    expect(Object.keys(LOCALES).sort()).toEqual(["ar", "de", "en", "es", "et", "fr"]);
    expect(isRightToLeft("ar")).toBe(true);
    expect(Object.keys(LOCALES).filter(isRightToLeft)).toEqual(["ar"]);
  });

  it.each(Object.keys(LOCALES).filter((lang) => lang !== "en"))("%s has every key English has, and no other", (lang) => {
    const messages = LOCALES[lang]!;
    expect(Object.keys(messages).filter((key) => !(key in english))).toEqual([]);
    expect(Object.keys(english).filter((key) => !(key in messages))).toEqual([]);
  });

  it.each(Object.keys(LOCALES))("%s fills every string, with the same placeholders as English", (lang) => {
    const messages = LOCALES[lang]!;
    for (const [key, text] of Object.entries(messages)) {
      expect(text.trim(), `${lang} ${key}`).not.toBe("");
      expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(english[key]!));
    }
  });

  it("translates, rather than copies, what a person reads", () => {
    for (const lang of ["et", "de", "fr", "es", "ar"]) {
      const same = Object.keys(english).filter((key) => LOCALES[lang]![key] === english[key]);
      expect(same, lang).toEqual([]);
    }
  });

  it("fills placeholders", () => {
    expect(messagesFor("de").t("finish.continue", { name: "Shop" })).toBe("Weiter zu Shop");
  });
});

describe("choosing the page's language", () => {
  it("takes ?lang= first, then the session's lang, then Accept-Language, then English", () => {
    expect(chooseLang("fr", "de", "et")).toBe("fr");
    expect(chooseLang(undefined, "de-AT", "et")).toBe("de");
    expect(chooseLang(undefined, null, "xx, et-EE;q=0.9, en;q=0.8")).toBe("et");
    expect(chooseLang(undefined, null, undefined)).toBe("en");
  });

  it("passes over languages it does not speak, and weights Accept-Language by q", () => {
    expect(chooseLang("zz", "pt", "ru, es;q=0.5, ar;q=0.7")).toBe("ar");
    expect(chooseLang(undefined, null, "de;q=0, fr;q=0.1")).toBe("fr");
  });
});
