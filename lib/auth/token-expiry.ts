// Client-safe (no Node imports): the settings form renders these, createToken accepts each of them.

/** The lifetimes the token form offers; `value` is what the form sends as expiresInDays ("never": no expiry). */
export const EXPIRY_CHOICES = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
] as const;

export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** What the form selects first: long enough for a pipeline, short enough that a forgotten token ends. */
export const DEFAULT_EXPIRY: ExpiryChoice = "90";
