import { wellFormedJson } from '@app/common';

/** Rows already serialised: JSONCompactEachRow lines, each ending in a newline. */
export interface RowText {
  text: string;
  rows: number;
}

/** A request waiting until its rows are durable. */
export interface Waiter {
  rows: RowText;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Rows as JSONCompactEachRow: one JSON array a line, values in `columns` order. One array is
 * reused for every row and the text is built in one string, so serialising allocates little
 * beyond the text itself.
 */
export function serialiseRows<Row extends object>(rows: readonly Row[], columns: readonly (keyof Row)[]): RowText {
  const values = new Array<unknown>(columns.length);
  let text = '';
  for (let i = 0; i < rows.length; i++) {
    for (let c = 0; c < columns.length; c++) values[c] = rows[i][columns[c]];
    text += `${JSON.stringify(values)}\n`;
  }
  return { text: wellFormedJson(text), rows: rows.length };
}
