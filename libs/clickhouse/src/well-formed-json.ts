// A lone surrogate is the only character JSON.stringify writes as `\ud8xx`…`\udfxx` (paired
// ones it writes as they are); an odd run of backslashes before the `u` makes it an escape.
const LONE_SURROGATE_ESCAPE = /(\\+)u(d[89a-f][0-9a-f]{2})/g;

/**
 * JSON text from JSON.stringify with every lone UTF-16 surrogate (which a sender can put in
 * any JSON string as `\ud800`) written as U+FFFD instead: ClickHouse refuses such an escape,
 * and the text a lone surrogate stands for is not a character in any case. Text without one
 * is returned as it is, after one scan.
 */
export function wellFormedJson(text: string): string {
  if (text.indexOf('\\ud') === -1) return text;
  return text.replace(LONE_SURROGATE_ESCAPE, (match, slashes: string) => (slashes.length % 2 === 1 ? `${slashes.slice(0, -1)}\\ufffd` : match));
}
