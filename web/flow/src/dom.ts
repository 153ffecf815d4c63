/** Small DOM helpers: the page is server-rendered, the bundle only finds and toggles its parts. */
export function $<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`missing element ${selector}`);
  return found;
}

export const $$ = <T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T[] => Array.from(root.querySelectorAll<T>(selector));

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** Writes a message into a live region; clearing first makes screen readers repeat an unchanged one. */
export function say(region: Element | null, text: string): void {
  if (!region) return;
  region.textContent = "";
  if (text) window.setTimeout(() => (region.textContent = text), 30);
}
