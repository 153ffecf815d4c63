/**
 * Names compared the way a person would: regardless of case, accents, script and order. A document
 * writes "Müller" as MULLER or MUELLER (ICAO's transliteration), Cyrillic and Greek in Latin
 * letters, hyphens and filler as spaces, and drops apostrophes; the integrator sends whatever its
 * form took. Each name becomes a list of tokens, each token with its spellings.
 */

/** ICAO 9303 part 3's transliterations where stripping the accent is not enough, or the only one. */
const ICAO: Record<string, string> = {
  Ä: "AE", Ö: "OE", Ü: "UE", Å: "AA", Æ: "AE", Ø: "OE", Œ: "OE", ß: "SS", Þ: "TH", Ð: "D", Đ: "D", Ł: "L", Ħ: "H", Ŧ: "T", Ŀ: "L", Ĳ: "IJ",
  А: "A", Б: "B", В: "V", Г: "G", Ґ: "G", Д: "D", Е: "E", Ё: "E", Є: "IE", Ж: "ZH", З: "Z", И: "I", І: "I", Ї: "I", Й: "I", К: "K", Л: "L", М: "M",
  Н: "N", О: "O", П: "P", Р: "R", С: "S", Т: "T", У: "U", Ф: "F", Х: "KH", Ц: "TS", Ч: "CH", Ш: "SH", Щ: "SHCH", Ъ: "IE", Ы: "Y", Ь: "", Э: "E",
  Ю: "IU", Я: "IA",
  Α: "A", Β: "V", Γ: "G", Δ: "D", Ε: "E", Ζ: "Z", Η: "I", Θ: "TH", Ι: "I", Κ: "K", Λ: "L", Μ: "M", Ν: "N", Ξ: "X", Ο: "O", Π: "P", Ρ: "R", Σ: "S",
  Τ: "T", Υ: "Y", Φ: "F", Χ: "CH", Ψ: "PS", Ω: "O",
};
/** The same letters when an accent is simply dropped (MULLER for Müller). */
const PLAIN: Record<string, string> = { ...ICAO, Ä: "A", Ö: "O", Ü: "U", Å: "A", Ø: "O" };

function spell(name: string, table: Record<string, string>): string[] {
  const upper = name.toLocaleUpperCase("en-US");
  const map = (text: string) => [...text].map((c) => table[c] ?? c).join("");
  // Mapped once whole (Ä is AE, not A), then again once accents are off (Greek Ά is Α, then A).
  return map(map(upper.normalize("NFC")).normalize("NFKD").replace(/\p{M}/gu, ""))
    .replace(/['’`.]/g, "")
    .replace(/[^A-Z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
}

/** The tokens of a name, each with its spellings (ICAO's and accents dropped). */
export function nameTokens(name: string): string[][] {
  const icao = spell(name, ICAO);
  const plain = spell(name, PLAIN);
  // Both spellings split the same way: transliteration never adds or removes a separator.
  return icao.map((token, i) => [...new Set([token, plain[i] ?? token])]);
}

/** Edits (insert, delete, substitute) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** A slip of the keyboard or the OCR: one edit in a name of four letters or more, two from eight. */
const nearMiss = (a: string, b: string) => {
  const edits = editDistance(a, b);
  return edits > 0 && edits <= (Math.min(a.length, b.length) >= 8 ? 2 : Math.min(a.length, b.length) >= 4 ? 1 : 0);
};

/**
 * Letters the MRZ's OCR takes for one another (M/H/N/W, O/D/Q/C/U/G, I/L/J/T, B/R/P, E/F, K/X, V/Y,
 * S/Z), each group folded to one: a name read off a photo that differs from the one sent only
 * within these groups may be the same name misread.
 */
const OCR_GROUPS = ["MHNW", "ODQCUG", "ILJT", "BRP", "EF", "KX", "VY", "SZ"];
const OCR_FOLD = new Map([...OCR_GROUPS.flatMap((group) => [...group].map((c) => [c, group[0]!] as [string, string]))]);
const ocrFolded = (token: string) => [...token].map((c) => OCR_FOLD.get(c) ?? c).join("");

export interface NameComparison {
  outcome: "pass" | "fail" | "inconclusive";
  /** Tokens sent that matched no token on the document, and those that nearly did. */
  unmatched: string[];
  nearly: string[];
}

/**
 * How the document's name was taken: by OCR from the photo of a printed MRZ (where no check digit
 * covers the names, so a letter can be misread unnoticed), or digitally (a barcode's bytes).
 */
export type NameSource = "ocr" | "digital";

/**
 * Whether the name sent is the document's. Every token sent must be one of the document's (in any
 * order, so given and family names may be swapped and middle names left out); the document's last
 * token may be cut short, as an MRZ cuts long names. Read digitally, a token that misses by a slip
 * makes the comparison inconclusive (a person looks) and any other miss fails it. Read by OCR, a
 * miss may be the OCR's: the comparison fails only when no token sent is any of the document's
 * (another person's name), and is inconclusive when some are and others are not.
 */
export function compareNames(sent: string, onDocument: string, source: NameSource): NameComparison {
  const wanted = nameTokens(sent);
  const available = nameTokens(onDocument);
  const lastIndex = available.length - 1;
  const unmatched: string[] = [];
  const nearly: string[] = [];
  let matched = 0;
  for (const spellings of wanted) {
    const exact = available.findIndex((doc, i) => doc.some((d) => spellings.includes(d) || (i === lastIndex && d.length >= 3 && spellings.some((s) => s.startsWith(d)))));
    if (exact >= 0) {
      available.splice(exact, 1, []);
      matched++;
      continue;
    }
    const misread = (s: string, d: string) => source === "ocr" && s.length === d.length && ocrFolded(s) === ocrFolded(d);
    const close = available.findIndex((doc) => doc.some((d) => spellings.some((s) => nearMiss(s, d) || misread(s, d))));
    if (close >= 0) {
      available.splice(close, 1, []);
      nearly.push(spellings[0]!);
    } else unmatched.push(spellings[0]!);
  }
  if (wanted.length === 0) return { outcome: "fail", unmatched, nearly };
  if (source === "ocr") {
    const outcome = matched === wanted.length ? "pass" : matched + nearly.length === 0 ? "fail" : "inconclusive";
    return { outcome, unmatched, nearly };
  }
  const outcome = unmatched.length > 0 || nearly.length > 1 ? "fail" : nearly.length === 1 ? "inconclusive" : "pass";
  return { outcome, unmatched, nearly };
}
