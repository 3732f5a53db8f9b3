// Small DOM helpers: every text goes in through textContent.

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

/** `<span class="zh">新增</span> <span class="en">Added</span>` */
export function bilingual(zh: string, en: string): DocumentFragment {
  const out = document.createDocumentFragment();
  out.append(el('span', 'zh', zh), ' ', el('span', 'en', en));
  return out;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`roster import page: element #${id} is missing from index.html`);
  return node as T;
}
