/**
 * Name pools per language: given names by sex and surnames ("masculine|feminine" where the language
 * inflects them). Pools in Greek and Cyrillic script hold the native spelling; the Latin spelling
 * printed beside it and written in the MRZ comes from `transliterate.ts`. Every name here is
 * ordinary and made up in combination: no entry names a real person.
 */
import type { NamePool } from "./countries.js";

export interface Pool {
  male: readonly string[];
  female: readonly string[];
  surnames: readonly string[];
  /** Set when the pool is written in a non-Latin script. */
  script?: "greek" | "cyrillic";
}

export const POOLS: Record<NamePool, Pool> = {
  de: { male: ["Jürgen", "Lukas", "Maximilian", "Jörg", "Hans-Peter", "Björn"], female: ["Käthe", "Sophie", "Marie-Luise", "Jana", "Änne", "Lena"],
    surnames: ["Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Schmidt-Löwe", "Bäcker", "Wagner"] },
  fr: { male: ["François", "Jean-Luc", "Loïc", "Jérôme", "Noël"], female: ["Hélène", "Élodie", "Anaïs", "Chloé", "Marie-Ève"],
    surnames: ["Lefèvre", "Dubois", "Garçon", "D'Argent", "Le Bihan", "Ménard"] },
  es: { male: ["José María", "Íñigo", "Andrés", "Ángel", "Juan Pablo"], female: ["María José", "Begoña", "Ainhoa", "María de los Ángeles"],
    surnames: ["García López", "Muñoz Ibáñez", "Peña", "Fernández de Córdoba y Mendoza", "Núñez"] },
  pt: { male: ["João", "Gonçalo", "Sebastião"], female: ["Conceição", "Inês", "Letícia"], surnames: ["Gonçalves", "Simões", "Araújo", "Magalhães"] },
  it: { male: ["Niccolò", "Giuseppe", "Luca"], female: ["Giulia", "Francesca", "Beatrice"], surnames: ["Rossi", "De Luca", "D'Angelo", "Esposito"] },
  en: { male: ["Christopher", "Liam", "Oliver James", "Alexander Benedict Theodore"], female: ["Siobhan", "Mary-Kate", "Alexandria Elizabeth Victoria", "Emily"],
    surnames: ["O'Brien", "Smith", "Montgomery-Fitzgerald-Worthington", "MacDonald", "Taylor"] },
  nordic: { male: ["Björn", "Søren", "Åke", "Ægir"], female: ["Åsa", "Sigrid", "Märta", "Øydis"], surnames: ["Sørensen", "Østergaard", "Åberg", "Lindqvist", "Eriksson"] },
  fi: { male: ["Jyrki", "Väinö", "Mikko"], female: ["Päivi", "Säde", "Aino"], surnames: ["Hämäläinen", "Mäkinen", "Virtanen", "Järvinen"] },
  is: { male: ["Þór", "Guðmundur", "Ólafur"], female: ["Guðrún", "Þórdís", "Ásdís"], surnames: ["Sigurðsson|Sigurðardóttir", "Þórsson|Þórsdóttir"] },
  et: { male: ["Jüri", "Tõnu", "Märt"], female: ["Tiiu", "Külli", "Mari-Liis"], surnames: ["Mägi", "Tamm", "Õunapuu", "Sääsk"] },
  pl: { male: ["Łukasz", "Wojciech", "Grzegorz"], female: ["Małgorzata", "Zofia", "Agnieszka"], surnames: ["Brzęczyszczykiewicz", "Żółkiewski|Żółkiewska", "Wiśniewski|Wiśniewska", "Nowak"] },
  cs: { male: ["Jiří", "Tomáš", "Přemysl"], female: ["Kateřina", "Zuzana", "Lenka"], surnames: ["Dvořák|Dvořáková", "Šťastný|Šťastná", "Novák|Nováková"] },
  hu: { male: ["Gergő", "László", "Ödön"], female: ["Erzsébet", "Réka", "Zsófia"], surnames: ["Kovács", "Szűcs", "Tóth", "Nagy"] },
  tr: { male: ["Şükrü", "Çağatay", "Oğuz"], female: ["Çağla", "Gülşen", "Ayşe"], surnames: ["Öztürk", "Yılmaz", "Şahin", "Doğan"] },
  el: { script: "greek", male: ["Γεώργιος", "Νικόλαος", "Θεόδωρος"], female: ["Αικατερίνη", "Ευαγγελία", "Ελένη"],
    surnames: ["Παπαδόπουλος|Παπαδοπούλου", "Χατζηδάκης|Χατζηδάκη", "Ευαγγελίου"] },
  ru: { script: "cyrillic", male: ["Алексей", "Дмитрий", "Юрий"], female: ["Юлия", "Екатерина", "Наталья"],
    surnames: ["Щербаков|Щербакова", "Жуков|Жукова", "Кузнецов|Кузнецова", "Хабибуллин|Хабибуллина"] },
  uk: { script: "cyrillic", male: ["Олександр", "Григорій", "Юрій"], female: ["Юлія", "Оксана", "Ірина"], surnames: ["Шевченко", "Ковальчук", "Гончаренко"] },
  bg: { script: "cyrillic", male: ["Цветан", "Христо", "Георги"], female: ["Цветелина", "Йорданка", "Мария"], surnames: ["Стоянов|Стоянова", "Пенчев|Пенчева", "Жеков|Жекова"] },
  vi: { male: ["Văn An", "Đức Minh"], female: ["Thị Minh Khai", "Thị Hương"], surnames: ["Nguyễn", "Trần", "Phạm", "Lê"] },
  zh: { male: ["Xiaoming", "Wei", "Zhiqiang"], female: ["Xiaomei", "Jing", "Yu Xuan"], surnames: ["Wang", "Zhang", "Liu", "Ouyang"] },
  ar: { male: ["Mohammed", "Abdel Rahman", "Youssef"], female: ["Fatima Zahra", "Nour", "Amira"], surnames: ["Al-Rashid", "El Amrani", "Abd El-Kader", "Haddad"] },
  yo: { male: ["Oluwaseun", "Adébáyọ̀", "Chukwuemeka"], female: ["Ọláòlúwa", "Ngozi", "Folake"], surnames: ["Adébáyọ̀", "Okonkwo", "Ògúnlànà"] },
};

/** The surname's form for the holder's sex ("Dvořák|Dvořáková"). */
export function surnameFor(entry: string, sex: "M" | "F" | "X"): string {
  const [masculine, feminine] = entry.split("|");
  return (sex === "F" ? feminine : masculine) ?? entry;
}
