// Escapes of JSON.stringify's output, each matched whole so that the `\\` of a backslash the
// text held is never read as the start of another. JSON.stringify writes U+0000 as `\u0000`
// and a lone surrogate as `\ud8xx`…`\udfxx` (a valid pair it writes as the characters).
const ESCAPE = /\\(?:u(?:0000|d[89a-f][0-9a-f]{2})|.)/g;
const LONE_SURROGATE = /\\ud[89a-f]/;
const LONE_SURROGATE_OR_NUL = /\\u(?:0000|d[89a-f])/;

/**
 * JSON text from JSON.stringify with every lone UTF-16 surrogate written as U+FFFD, and
 * U+0000 removed when `dropNul`. A sender can put `\ud800` in any JSON string; ClickHouse and
 * PostgreSQL's jsonb both refuse that escape, and it stands for no character anyway. Text
 * without such an escape is returned as it is, after one scan.
 */
export function wellFormedJson(json: string, dropNul = false): string {
  if (!(dropNul ? LONE_SURROGATE_OR_NUL : LONE_SURROGATE).test(json)) return json;
  return json.replace(ESCAPE, (escape) => {
    if (escape === '\\u0000') return dropNul ? '' : escape;
    return escape.length === 6 && escape[1] === 'u' ? '\\ufffd' : escape;
  });
}
