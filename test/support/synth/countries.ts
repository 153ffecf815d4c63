/**
 * Issuing states the generator uses: real ICAO 9303 codes (Germany's is `D`, written `D<<`), the
 * alpha-2 code Veriff's API uses for the same country, and the name pool its holders' names come
 * from. `UTO` (Utopia) is ICAO's specimen state: valid check digits, no real country.
 */

export type NamePool =
  | "de" | "fr" | "es" | "pt" | "it" | "en" | "nordic" | "fi" | "is" | "et" | "pl" | "cs" | "hu" | "tr"
  | "el" | "ru" | "uk" | "bg" | "vi" | "zh" | "ar" | "yo";

export interface Country {
  /** ICAO code as the MRZ writes it, without padding: "D", "GBR", "UTO". */
  icao: string;
  /** ISO 3166-1 alpha-2 (Veriff's `document.country`); `null` for the specimen state. */
  alpha2: string | null;
  name: string;
  pool: NamePool;
  /**
   * How Ä, Ö, Ü, Å are written in the MRZ: "expand" is ICAO 9303 part 3's first choice (AE, OE, UE,
   * AA); "strip" is the base letter, which Finland, Estonia, Hungary and Turkey print.
   */
  umlauts: "expand" | "strip";
}

const c = (icao: string, alpha2: string | null, name: string, pool: NamePool, umlauts: Country["umlauts"] = "expand"): Country =>
  ({ icao, alpha2, name, pool, umlauts });

export const COUNTRIES: readonly Country[] = [
  c("D", "DE", "Bundesrepublik Deutschland", "de"),
  c("AUT", "AT", "Republik Österreich", "de"),
  c("CHE", "CH", "Schweiz / Suisse", "de"),
  c("FRA", "FR", "République Française", "fr"),
  c("BEL", "BE", "Royaume de Belgique", "fr"),
  c("ESP", "ES", "Reino de España", "es"),
  c("MEX", "MX", "Estados Unidos Mexicanos", "es"),
  c("PRT", "PT", "República Portuguesa", "pt"),
  c("BRA", "BR", "República Federativa do Brasil", "pt"),
  c("ITA", "IT", "Repubblica Italiana", "it"),
  c("GBR", "GB", "United Kingdom", "en"),
  c("IRL", "IE", "Ireland", "en"),
  c("USA", "US", "United States of America", "en"),
  c("CAN", "CA", "Canada", "en"),
  c("AUS", "AU", "Australia", "en"),
  c("SWE", "SE", "Konungariket Sverige", "nordic"),
  c("NOR", "NO", "Kongeriket Norge", "nordic"),
  c("DNK", "DK", "Kongeriget Danmark", "nordic"),
  c("FIN", "FI", "Suomen Tasavalta", "fi", "strip"),
  c("ISL", "IS", "Ísland", "is"),
  c("EST", "EE", "Eesti Vabariik", "et", "strip"),
  c("POL", "PL", "Rzeczpospolita Polska", "pl"),
  c("CZE", "CZ", "Česká republika", "cs"),
  c("HUN", "HU", "Magyarország", "hu", "strip"),
  c("TUR", "TR", "Türkiye Cumhuriyeti", "tr", "strip"),
  c("GRC", "GR", "Ελληνική Δημοκρατία", "el"),
  c("RUS", "RU", "Российская Федерация", "ru"),
  c("UKR", "UA", "Україна", "uk"),
  c("BGR", "BG", "Република България", "bg"),
  c("VNM", "VN", "Việt Nam", "vi"),
  c("CHN", "CN", "People's Republic of China", "zh"),
  c("EGY", "EG", "Arab Republic of Egypt", "ar"),
  c("MAR", "MA", "Royaume du Maroc", "ar"),
  c("NGA", "NG", "Federal Republic of Nigeria", "yo"),
];

export const SPECIMEN_STATE: Country = c("UTO", null, "Utopia", "nordic");

export function countryByIcao(icao: string): Country {
  const found = icao === "UTO" ? SPECIMEN_STATE : COUNTRIES.find((country) => country.icao === icao);
  if (!found) throw new Error(`unknown issuing state ${icao}`);
  return found;
}

/** The code padded to three characters with the filler, as it sits in the MRZ ("D<<"). */
export const mrzStateCode = (country: Country): string => country.icao.padEnd(3, "<");
