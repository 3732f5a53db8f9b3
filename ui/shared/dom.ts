// The pages' DOM helpers: every text goes in through textContent.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `<span class="zh">复测</span> <span class="en">Re-check</span>` */
export function bilingual(className: string, zh: string, en: string): HTMLSpanElement {
  const wrap = el('span', className);
  wrap.append(el('span', 'zh', zh), ' ', el('span', 'en', en));
  return wrap;
}

/** `<span class="zh">应到</span> <span class="en">expected</span>`, to append where the text goes. */
export function bilingualText(zh: string, en: string): DocumentFragment {
  const out = document.createDocumentFragment();
  out.append(el('span', 'zh', zh), ' ', el('span', 'en', en));
  return out;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`this page: element #${id} is missing from its index.html`);
  return node as T;
}

export function button(className: string, zh: string, en: string, type: 'button' | 'submit' = 'button') {
  const b = el('button', className);
  b.type = type;
  b.append(el('span', 'zh', zh), ' ', el('span', 'en', en));
  return b;
}

/** A labelled form field: `<label><span>体温</span>{input}</label>`. */
export function field(zh: string, en: string, input: HTMLElement, className = 'field'): HTMLLabelElement {
  const label = el('label', className);
  label.append(bilingual('field-label', zh, en), input);
  return label;
}
