/**
 * RFC 4180 CSV: quoted fields may hold the delimiter, quotes ("") and line breaks. Returns rows of fields.
 * Excel's "Unicode text" export is the same with tabs.
 */
export function parseCsv(text: string, delimiter: ',' | '\t' | ';' = ','): string[][] {
  return [...csvRows(text, delimiter)];
}

/** `parseCsv` one row at a time, so a reader can stop early. */
export function* csvRows(text: string, delimiter: ',' | '\t' | ';' = ','): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      yield row;
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}
