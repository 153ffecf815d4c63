/**
 * From a name as its holder writes it to the MRZ's alphabet (A-Z and the filler `<`), after
 * ICAO 9303 part 3 §6:
 * - Greek and Cyrillic are transliterated with ICAO's tables (Ukrainian Г is H, И is Y, as Ukraine
 *   prints them); the result, in title case, is also the Latin name printed in the visual zone.
 * - Ä Ö Ü Å are expanded (AE OE UE AA), or reduced to the base letter for the states that print
 *   them so (`Country.umlauts`); Æ Ø Œ ß Þ always expand (AE OE OE SS TH); every other diacritic is
 *   dropped (É → E, Ł → L, Ş → S, Đ → D).
 * - Apostrophes vanish (O'Brien → OBRIEN), hyphens and spaces become `<`.
 */

const CYRILLIC: Record<string, string> = {
  А: "A", Б: "B", В: "V", Г: "G", Ґ: "G", Д: "D", Е: "E", Ё: "E", Є: "IE", Ж: "ZH", З: "Z", И: "I", І: "I", Ї: "I",
  Й: "I", К: "K", Л: "L", М: "M", Н: "N", О: "O", П: "P", Р: "R", С: "S", Т: "T", У: "U", Ф: "F", Х: "KH",
  Ц: "TS", Ч: "CH", Ш: "SH", Щ: "SHCH", Ъ: "IE", Ы: "Y", Ь: "", Э: "E", Ю: "IU", Я: "IA",
};
const UKRAINIAN: Record<string, string> = { Г: "H", И: "Y" };
/** Bulgarian writes Ъ as A and Щ as SHT on its passports. */
const BULGARIAN: Record<string, string> = { Ъ: "A", Щ: "SHT", Ю: "YU", Я: "YA", Й: "Y" };

const GREEK_PAIRS: Record<string, string> = { ΟΥ: "OU", ΑΥ: "AV", ΕΥ: "EV", ΓΓ: "NG", ΓΚ: "GK" };
const GREEK: Record<string, string> = {
  Α: "A", Β: "V", Γ: "G", Δ: "D", Ε: "E", Ζ: "Z", Η: "I", Θ: "TH", Ι: "I", Κ: "K", Λ: "L", Μ: "M", Ν: "N",
  Ξ: "X", Ο: "O", Π: "P", Ρ: "R", Σ: "S", Τ: "T", Υ: "Y", Φ: "F", Χ: "CH", Ψ: "PS", Ω: "O",
};

export type Script = "greek" | "cyrillic";
export type CyrillicLanguage = "ru" | "uk" | "bg";

const stripMarks = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC");
const titleCase = (text: string) => text.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());

/** The Latin spelling of a Greek or Cyrillic name, in title case ("Щербаков" → "Shcherbakov"). */
export function romanize(name: string, script: Script, language?: CyrillicLanguage): string {
  // Greek loses its accents; Cyrillic keeps its marks, which make letters of their own (Й, Ё, Ї).
  let upper = (script === "greek" ? stripMarks(name) : name).toUpperCase();
  let out = "";
  if (script === "greek") {
    upper = upper.replace(/ΟΥ|ΑΥ|ΕΥ|ΓΓ|ΓΚ/g, (pair) => `\u0000${GREEK_PAIRS[pair]}\u0000`);
    let literal = false;
    for (const ch of upper) {
      if (ch === "\u0000") literal = !literal;
      else out += literal ? ch : (GREEK[ch] ?? ch);
    }
  } else {
    const table = { ...CYRILLIC, ...(language === "uk" ? UKRAINIAN : language === "bg" ? BULGARIAN : {}) };
    for (const ch of upper) out += table[ch] ?? ch;
  }
  return titleCase(out);
}

const ALWAYS: Record<string, string> = { Æ: "AE", Ø: "OE", Œ: "OE", ß: "SS", ẞ: "SS", Þ: "TH", Ð: "D", Đ: "D", Ł: "L", Ħ: "H", ı: "I" };
const UMLAUTS: Record<string, string> = { Ä: "AE", Ö: "OE", Ü: "UE", Å: "AA" };

/** A name in the MRZ alphabet: upper-case A-Z, with `<` between its parts. */
export function mrzText(name: string, umlauts: "expand" | "strip"): string {
  let out = "";
  for (const ch of name.toUpperCase()) {
    const mapped = ALWAYS[ch] ?? (umlauts === "expand" ? UMLAUTS[ch] : undefined) ?? stripMarks(ch);
    out += mapped;
  }
  return out
    .replace(/['’`]/g, "")
    .replace(/[\s-]+/g, "<")
    .replace(/[^A-Z<]/g, "")
    .replace(/^<+|<+$/g, "");
}
