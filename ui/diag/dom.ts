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

/** `<span class="zh">设备</span><span class="en">Devices</span>` */
export function bilingual(className: string, zh: string, en: string): HTMLSpanElement {
  const wrap = el('span', className);
  wrap.append(el('span', 'zh', zh), el('span', 'en', en));
  return wrap;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`diagnostics page: element #${id} is missing from index.html`);
  return node as T;
}

export function button(className: string, zh: string, en: string, title = ''): HTMLButtonElement {
  const b = el('button', className);
  b.type = 'button';
  b.append(el('span', 'zh', zh), el('span', 'en', en));
  if (title) b.title = title;
  return b;
}
