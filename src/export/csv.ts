/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). Event
 * names, paths, referrers and profile ids come from anyone holding a public write key, so a
 * cell like `=HYPERLINK(...)` would run in the reader's spreadsheet.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180 CSV: a field is quoted when it holds a quote, a comma or a line break, quotes
 * doubled. Objects and arrays (properties, groups) are written as JSON, null as an empty
 * field. A text that begins like a formula gets a leading single quote, as OWASP recommends,
 * so spreadsheets show it as text; numbers are written as they are (they cannot carry a
 * formula, and `-3` must stay a number), and JSON cells start with a bracket. NDJSON carries
 * every value unchanged.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'object'
      ? JSON.stringify(value)
      : typeof value === 'string' && FORMULA_START.test(value)
        ? `'${value}`
        : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
