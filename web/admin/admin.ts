/**
 * The back-office's only script: keyboard shortcuts and image zoom. Every page works without it
 * (plain links and forms); this makes the common actions one key away.
 */
const typing = (target: EventTarget | null) => target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);

function queueKeys(table: HTMLTableElement): void {
  const rows = Array.from(table.querySelectorAll<HTMLTableRowElement>("tbody tr"));
  let current = -1;
  const select = (index: number) => {
    rows[current]?.classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    const row = rows[current];
    if (!row) return;
    row.classList.add("selected");
    row.querySelector<HTMLAnchorElement>("a")?.focus();
  };
  document.addEventListener("keydown", (event) => {
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current - 1);
    else if (event.key === "a") rows[Math.max(current, 0)]?.querySelector<HTMLButtonElement>("[data-action=assign]")?.click();
    else return;
    event.preventDefault();
  });
}

function sessionKeys(): void {
  const form = document.querySelector<HTMLFormElement>("form[data-keys=decide]");
  document.addEventListener("keydown", (event) => {
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const verdicts: Record<string, string> = { "1": "approved", "2": "declined", "3": "resubmission_requested" };
    if (event.key in verdicts && form) {
      const radio = form.querySelector<HTMLInputElement>(`input[value=${verdicts[event.key]}]`);
      if (radio) {
        radio.checked = true;
        (event.key === "1" ? radio : form.querySelector<HTMLSelectElement>("select"))?.focus();
      }
    } else if (event.key === "a") document.querySelector<HTMLButtonElement>("[data-action=assign]")?.click();
    else if (event.key === "z") document.querySelector<HTMLButtonElement>("button.zoom")?.click();
    else return;
    event.preventDefault();
  });
  for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>("button.zoom"))) {
    button.addEventListener("click", () => {
      const zoomed = button.classList.toggle("zoomed");
      button.setAttribute("aria-pressed", String(zoomed));
    });
  }
}

const queue = document.querySelector<HTMLTableElement>("table[data-keys=queue]");
if (queue) queueKeys(queue);
sessionKeys();
