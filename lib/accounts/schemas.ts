import { z } from "zod";
import { ROLES } from "../auth/actor";
import { idSchema } from "../parse";
import { forbiddenCharacter } from "../text/forbidden-characters";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { humanBytes, parseSize } from "../units";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;
/** Larger than any disk array: a quota above it is a typo. */
export const MAX_QUOTA_BYTES = 2 ** 50;

export const accountIdSchema = idSchema("a user");

export const emailSchema = z
  .string({ error: "Give the email address." })
  .trim()
  .toLowerCase()
  .max(320, "Email addresses are at most 320 characters.")
  .pipe(z.email("That is not an email address."));

/** A person's name as the portal shows it: text that shows as what it is. */
export const personNameSchema = z
  .string({ error: "Give the person's name." })
  .trim()
  .overwrite((name) => name.normalize("NFC"))
  .min(1, "Give the person's name.")
  .max(100, "Names are at most 100 characters.")
  .superRefine((name, context) => {
    const forbidden = forbiddenCharacter(name);
    if (forbidden) context.addIssue({ code: "custom", message: `Names cannot contain ${forbidden}. Type the name again without it.` });
  });

/** How an account signs in (User.authSource): a Hangar password, OpenID Connect or LDAP (lib/sso). */
export const AUTH_SOURCES = ["local", "oidc", "ldap"] as const;
export type AuthSource = (typeof AUTH_SOURCES)[number];
export const parseAuthSource = (value: string): AuthSource => AUTH_SOURCES.find((source) => source === value) ?? "local";

export const roleSchema = z.enum(ROLES, { error: `The role is one of ${ROLES.join(", ")}.` });

/** A new password: long enough to resist guessing, any characters (spaces and emoji included), and text. */
export const newPasswordSchema = z
  .string({ error: "Choose a password." })
  .min(MIN_PASSWORD_LENGTH, `Passwords are at least ${MIN_PASSWORD_LENGTH} characters long; a few words make a good one.`)
  .max(MAX_PASSWORD_LENGTH, `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`)
  .refine(isWellFormedText, `The password ${NOT_TEXT_MESSAGE}.`)
  .refine((password) => password.trim().length > 0, "A password cannot be only spaces.");

const QUOTA_MESSAGE = `A quota is a size such as 500GiB or a number of bytes, up to ${humanBytes(MAX_QUOTA_BYTES)}; null (or empty) for the default.`;

/** A per-user quota: bytes, or a size as people write it ("500GiB"); null or "" for the server's default (HANGAR_USER_QUOTA). */
export const quotaSchema = z.preprocess(
  (value) => {
    if (value === "" || value === null) return null;
    if (typeof value === "string") return parseSize(value) ?? value;
    return value;
  },
  z.number({ error: QUOTA_MESSAGE }).int(QUOTA_MESSAGE).min(1, QUOTA_MESSAGE).max(MAX_QUOTA_BYTES, QUOTA_MESSAGE).nullable(),
);

export const createAccountSchema = z
  .object({
    email: emailSchema,
    name: personNameSchema,
    role: roleSchema.default("user"),
    quotaBytes: quotaSchema.optional(),
  })
  .strict();

/** What an administrator can change on an account; every field optional, validated together. */
export const updateAccountSchema = z
  .object({
    name: personNameSchema,
    role: roleSchema,
    quotaBytes: quotaSchema,
    disabled: z.boolean({ error: "disabled is true or false." }),
  })
  .partial()
  .strict();

/** What happens to a deleted user's images: deleted with them, or given to another user. */
export const deleteAccountSchema = z
  .object({
    images: z.enum(["delete", "transfer"], { error: "Say what happens to the user's images: delete or transfer." }),
    transferTo: z
      .string()
      .trim()
      .max(320)
      .optional()
      .meta({ description: "With images=transfer: the user (id or email) whose personal project gets them, or a team project (id or name)." }),
  })
  .strict()
  .refine((input) => input.images === "delete" || Boolean(input.transferTo), {
    error: "Name the user who gets the images (transferTo), or delete them.",
    path: ["transferTo"],
  });
