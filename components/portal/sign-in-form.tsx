"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type SyntheticEvent, useState } from "react";
import { Button } from "../ui/button";
import { Field, TextInput } from "../ui/field";

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

export function SignInForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: SyntheticEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", { email: text(form, "email"), password: text(form, "password"), redirect: false });
    setPending(false);
    // The server's message: the same for an unknown email and a wrong password, or when to try again after too many.
    if (!result?.ok) setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong email or password.");
    else {
      router.replace("/images");
      router.refresh();
    }
  }

  return (
    <form className="mt-5 space-y-4" onSubmit={(event) => void submit(event)}>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <Field label="Email" htmlFor="email">
        <TextInput id="email" name="email" type="email" autoComplete="username" required />
      </Field>
      <Field label="Password" htmlFor="password">
        <TextInput id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
