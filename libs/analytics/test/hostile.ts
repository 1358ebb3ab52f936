/** Strings that would break or subvert SQL if they were ever spliced into it. */
export const HOSTILE = [
  "') OR 1=1 --",
  '{x:String}',
  "it's",
  'say "hi"',
  'back\\slash\\',
  'ünïcødé 😀 中文',
  '%_*?',
  '\n; DROP TABLE events; --',
  'x'.repeat(10 * 1024),
];

/** True when no hostile string (nor a telling fragment of one) occurs in the SQL text. */
export function sqlIsClean(sql: string): boolean {
  return HOSTILE.every((h) => !sql.includes(h)) && !/OR 1=1|DROP|it's|😀|back\\|x{100}/.test(sql);
}
