/**
 * What a state's document numbers look like, where that is well known, as shapes over the number
 * with its fillers stripped: `A` a letter, `9` a digit, `X` either, `G` a letter of the German
 * alphabet for numbers (no vowels, no B/D/Q/S: the letters an OCR confuses with digits) and `H`
 * either of those or a digit. A number read with a check digit that holds but in no shape of its
 * state is a misread whose check digit held by chance (about one in ten of them do); a number in
 * the wrong character classes is brought into the shape first, then its check digit decides.
 */
export type DocumentKind = "passport" | "card";

const PASSPORTS: Record<string, string[]> = {
  D: ["GHHHHHHHH", "999999999"],
  AUT: ["A9999999"],
  AUS: ["A9999999", "AA9999999"],
  BEL: ["AA999999"],
  BGR: ["999999999"],
  BRA: ["AA999999"],
  CAN: ["AA999999"],
  CHE: ["A9999999"],
  CHN: ["A99999999", "AA9999999"],
  CZE: ["99999999"],
  ESP: ["AAA999999"],
  FIN: ["AA9999999"],
  FRA: ["99AA99999"],
  GBR: ["999999999"],
  GRC: ["AA9999999"],
  HRV: ["999999999"],
  HUN: ["AA9999999"],
  IRL: ["AA9999999"],
  ITA: ["AA9999999"],
  LTU: ["99999999"],
  NGA: ["A99999999"],
  // Dutch numbers never use the letter O: a round mark is always a zero.
  NLD: ["NNNNNNNN9"],
  POL: ["AA9999999"],
  RUS: ["999999999"],
  TUR: ["A99999999"],
  UKR: ["AA999999"],
  USA: ["999999999", "A99999999"],
  VNM: ["A9999999"],
};

const CARDS: Record<string, string[]> = {
  D: ["GHHHHHHHH"],
  CHE: ["A9999999"],
  ESP: ["AAA999999"],
  ITA: ["AA99999AA"],
  NLD: ["NNNNNNNN9"],
  POL: ["AAA999999"],
};

const LETTER = /^[A-Z]$/;
const DIGIT = /^[0-9]$/;
const GERMAN = /^[CFGHJKLMNPRTVWXYZ]$/;

/** Whether one character may stand in one slot of a shape. */
function allowed(slot: string, char: string): boolean {
  switch (slot) {
    case "A": return LETTER.test(char);
    case "9": return DIGIT.test(char);
    case "G": return GERMAN.test(char);
    case "H": return GERMAN.test(char) || DIGIT.test(char);
    case "N": return (LETTER.test(char) && char !== "O") || DIGIT.test(char);
    default: return LETTER.test(char) || DIGIT.test(char);
  }
}

/** The shapes known for a state's documents of a kind; none when the state's numbers vary too much to say. */
export function numberShapes(state: string, kind: DocumentKind): readonly string[] {
  const code = state.replace(/<+$/, "");
  return (kind === "passport" ? PASSPORTS[code] : CARDS[code]) ?? [];
}

export function fitsShape(number: string, shape: string): boolean {
  return number.length === shape.length && [...number].every((char, i) => allowed(shape[i]!, char));
}

/** Where a digit must stand, the letters that look like one; where a letter must, the digits, likeliest first. */
const AS_DIGIT: Record<string, string> = { O: "0", Q: "0", D: "0", U: "0", C: "0", I: "1", L: "1", J: "1", T: "1", Z: "2", S: "5", G: "6", B: "8", A: "4" };
const AS_LETTER: Record<string, string[]> = { "0": ["O", "D", "Q"], "1": ["I", "T", "L"], "2": ["Z"], "4": ["A"], "5": ["S"], "6": ["G"], "7": ["T"], "8": ["B"] };

/**
 * The number brought into a shape by swapping look-alikes where the shape does not allow the
 * character read (null when some character has no look-alike that fits).
 */
export function intoShape(number: string, shape: string): string | null {
  if (number.length !== shape.length) return null;
  let out = "";
  for (let i = 0; i < number.length; i++) {
    const char = number[i]!, slot = shape[i]!;
    const fit = [char, AS_DIGIT[char], ...(AS_LETTER[char] ?? [])].find((c) => c !== undefined && allowed(slot, c));
    if (!fit) return null;
    out += fit;
  }
  return out;
}

/** The document code's kind: P passports; I, A and C identity cards and permits. */
export function documentKind(documentCode: string): DocumentKind | null {
  const first = documentCode[0];
  return first === "P" ? "passport" : first === "I" || first === "A" || first === "C" ? "card" : null;
}
