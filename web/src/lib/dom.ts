// A few DOM helpers instead of a framework: build elements, render tables of numbers, announce status.
// Text always goes in through textContent (never innerHTML), so server strings cannot inject markup.

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined | ((ev: Event) => void);
export type Attrs = Record<string, AttrValue>;

/** Properties set as properties, not attributes (their live value differs from the attribute). */
const PROPS = new Set(["value", "checked", "disabled", "hidden", "selected"]);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) {
      if (PROPS.has(k)) Reflect.set(el, k, false);
      continue;
    }
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) Reflect.set(el, k, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "number" ? String(c) : c);
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

export interface Column<T> {
  label: string;
  /** right-aligned, tabular numerals */
  num?: boolean;
  cell: (row: T) => Child;
  /** extra class for the cell (e.g. pos/neg) */
  cls?: (row: T) => string | undefined;
}

/** A table with a caption (its accessible name); `empty` is shown as one row when there are no rows. */
export function table<T>(
  caption: string,
  columns: readonly Column<T>[],
  rows: readonly T[],
  empty = "None",
): HTMLTableElement {
  const head = h(
    "tr",
    null,
    ...columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : undefined }, c.label)),
  );
  const body = h("tbody");
  if (rows.length === 0)
    body.append(h("tr", { class: "empty" }, h("td", { colspan: columns.length }, empty)));
  for (const r of rows) {
    body.append(
      h(
        "tr",
        null,
        ...columns.map((c) => {
          const cls = [c.num ? "num" : "", c.cls?.(r) ?? ""].join(" ").trim();
          return h("td", { class: cls || undefined }, c.cell(r));
        }),
      ),
    );
  }
  return h(
    "table",
    { class: "grid" },
    h("caption", { class: "sr-only" }, caption),
    h("thead", null, head),
    body,
  );
}

/** A titled panel: a <section> labelled by its heading. */
export function panel(id: string, title: string, ...children: Child[]): HTMLElement {
  const hid = `${id}-title`;
  return h(
    "section",
    { id, class: "panel", "aria-labelledby": hid },
    h("h2", { id: hid }, title),
    ...children,
  );
}

/** A status line for results: polite live region; `kind` colours it. */
export function setStatus(el: HTMLElement, text: string, kind: "ok" | "error" | "info" = "info"): void {
  el.textContent = text;
  el.dataset.kind = kind;
}

/** A labelled form field: <label for> + control, in one wrapper that can be hidden as a unit. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  control.id = id;
  const hintEl = hint ? h("small", { id: `${id}-hint`, class: "hint" }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl);
}
