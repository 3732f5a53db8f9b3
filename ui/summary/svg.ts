// SVG for the charts, built node by node.

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
