/**
 * The value, or a failed test naming what is missing. Unlike
 * `expect(x).toBeDefined()` it narrows the type, so a test needs no `x!`.
 */
export function defined<T>(value: T | null | undefined, what = "the value"): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present, got ${String(value)}`);
  return value;
}
