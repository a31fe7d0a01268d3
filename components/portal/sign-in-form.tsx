"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type SyntheticEvent, useId, useState } from "react";
import { Button } from "../ui/button";
import { Field, TextInput } from "../ui/field";

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

/** A password form's provider: Hangar's own accounts (by email) or the directory's (by user name). */
const KINDS = {
  credentials: { field: "email", label: "Email", type: "email", wrong: "Wrong email or password." },
  ldap: { field: "username", label: "User name", type: "text", wrong: "Wrong user name or password." },
} as const;

export function SignInForm({ provider = "credentials", submitLabel = "Sign in" }: { provider?: keyof typeof KINDS; submitLabel?: string }) {
  const router = useRouter();
  const id = useId();
  const kind = KINDS[provider];
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn(provider, { [kind.field]: text(form, kind.field), password: text(form, "password"), redirect: false });
    setPending(false);
    // The server's message: the same for an unknown name and a wrong password, or when to try again after too many.
    if (!result?.ok) setError(result?.error && result.error !== "CredentialsSignin" ? result.error : kind.wrong);
    else {
      router.replace("/images");
      router.refresh();
    }
  }

  return (
    <form className="mt-5 space-y-4" onSubmit={(event) => void submit(event)} aria-label={submitLabel}>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Field label={kind.label} htmlFor={`${id}-${kind.field}`}>
        <TextInput id={`${id}-${kind.field}`} name={kind.field} type={kind.type} autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor={`${id}-password`}>
        <TextInput id={`${id}-password`} name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : submitLabel}
      </Button>
    </form>
  );
}
