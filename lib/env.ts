/** The process environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

/**
 * One setting from the environment: the fallback when unset or blank, else `parse`'s value. `parse`
 * answers undefined for text that is not a valid value, and the server stops at start with a message
 * naming the variable and what it takes (`what`, "a duration such as 24h").
 */
export function readEnv<T>(env: Env, name: string, parse: (text: string) => T | undefined, fallback: T, what: string): T {
  const text = env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const value = parse(text);
  if (value === undefined) throw new Error(`${name}=${JSON.stringify(text)} is not ${what}.`);
  return value;
}

/** A parser of lib/units.ts (null for text it cannot read) that also refuses zero and below. */
export const positive = (parse: (text: string) => number | null) => (text: string) => {
  const value = parse(text);
  return value !== null && value > 0 ? value : undefined;
};

/** A parser of lib/units.ts, zero allowed. */
export const nonNegative = (parse: (text: string) => number | null) => (text: string) => parse(text) ?? undefined;

/** A whole number of at least 1 ("256"). */
export const count = (text: string): number | null => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);
