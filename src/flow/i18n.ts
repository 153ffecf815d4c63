import ar from "./locales/ar.json" with { type: "json" };
import de from "./locales/de.json" with { type: "json" };
import en from "./locales/en.json" with { type: "json" };
import es from "./locales/es.json" with { type: "json" };
import et from "./locales/et.json" with { type: "json" };
import fr from "./locales/fr.json" with { type: "json" };

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

/** Every language of the flow, English first: it is the fallback for a key a translation lacks. */
export const LOCALES: Readonly<Record<string, Record<string, string>>> = { en, et, de, fr, es, ar };
export type Lang = keyof typeof LOCALES;
export const LANGS = Object.keys(LOCALES);
const RIGHT_TO_LEFT = new Set(["ar"]);

/** "et-EE", "ET_ee", "et" → "et", when we speak it. */
function known(tag: string | null | undefined): string | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return base && Object.hasOwn(LOCALES, base) ? base : undefined;
}

/** Accept-Language's tags, most wanted first (q=0 means "not this one"). */
function acceptedTags(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/** The page's language: `?lang=`, then the session's `lang`, then Accept-Language, then English. */
export function chooseLang(query: string | undefined, sessionLang: string | null | undefined, acceptLanguage: string | undefined): string {
  return known(query) ?? known(sessionLang) ?? acceptedTags(acceptLanguage).map(known).find((lang) => lang !== undefined) ?? "en";
}

export const isRightToLeft = (lang: string) => RIGHT_TO_LEFT.has(lang);

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The language's messages, each key falling back to English; `{name}` placeholders filled in. */
export function messagesFor(lang: string): { messages: Messages; t: Translate } {
  const own: Record<string, string> = LOCALES[lang] ?? en;
  const messages = Object.fromEntries(Object.keys(en).map((key) => [key, own[key] ?? en[key as MessageKey]])) as Messages;
  const t: Translate = (key, params = {}) => messages[key].replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  return { messages, t };
}
