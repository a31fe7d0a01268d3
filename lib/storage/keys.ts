/** Storage keys are ids the catalog generates, never names from a client. */
const SAFE_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** The key, checked: the check makes a path outside the directory, or another object of the bucket, impossible anyway. */
export function checkKey(key: string): string {
  if (!SAFE_KEY.test(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
  return key;
}
