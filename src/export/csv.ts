/**
 * RFC 4180 CSV: a field is quoted when it holds a quote, a comma or a line break, quotes
 * doubled. Objects and arrays (properties, groups) are written as JSON, null as an empty
 * field. Values are exported as stored: nothing is rewritten for spreadsheets.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
