/** What the server put in the page for the bundle (#flow-data). */
export interface FlowData {
  api: string;
  page: string;
  lang: string;
  name: string;
  callback: string | null;
  status: string;
  document: { type: string | null; country: string | null };
  twoSided: string[];
  countries: string;
  frameAncestors: string[];
  messages: Record<string, string>;
}

export function readData(): FlowData {
  return JSON.parse(document.getElementById("flow-data")!.textContent ?? "{}") as FlowData;
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(messages: Record<string, string>): Translate {
  return (key, params = {}) => (messages[key] ?? key).replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}
