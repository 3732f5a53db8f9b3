// Small DOM helpers: every text goes in through textContent; charts are SVG built node by node.

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

/** `<span class="zh">应到</span> <span class="en">expected</span>` */
export function bilingual(zh: string, en: string): DocumentFragment {
  const out = document.createDocumentFragment();
  out.append(el('span', 'zh', zh), ' ', el('span', 'en', en));
  return out;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`summary page: element #${id} is missing from index.html`);
  return node as T;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  className = '',
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (className) node.setAttribute('class', className);
  return node;
}

/** An SVG text node, or a `<title>` tooltip. */
export function svgText(
  tag: 'text' | 'title',
  text: string,
  attrs: Record<string, string | number> = {},
  className = '',
): SVGElement {
  const node = svg(tag, attrs, className);
  node.textContent = text;
  return node;
}
