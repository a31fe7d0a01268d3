"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { inspectLinkAction, type LinkCheck, setPasswordAction } from "@/app/set-password/actions";
import { Button } from "../ui/button";
import { Field, TextInput } from "../ui/field";

const tokenFromFragment = () => window.location.hash.replace(/^#/, "");

/**
 * Reads the link's token from the fragment, says whose password it sets, takes the new password
 * twice, sets it, and signs in with it. The fragment is dropped from the address bar at once, so the
 * link does not stay in the history.
 */
export function SetPasswordForm({ minLength }: { minLength: number }) {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [check, setCheck] = useState<LinkCheck | null>(null);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<{ message: string; field?: "password" | "repeat" } | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const found = tokenFromFragment();
    window.history.replaceState(null, "", window.location.pathname);
    void inspectLinkAction(found).then((result) => {
      setToken(found);
      setCheck(result);
    });
  }, []);

  if (!check) {
    return (
      <p role="status" className="text-sm text-slate-600">
        Checking the link…
      </p>
    );
  }
  if (!check.ok || token === null) {
    return (
      <>
        <h1 className="text-lg font-semibold text-slate-900">This link does not work</h1>
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {check.ok ? "The link is incomplete." : check.message}
        </p>
        <p className="mt-4 text-sm">
          <a href="/signin" className="font-medium text-brand-700 hover:text-brand-800">
            Go to sign-in
          </a>
        </p>
      </>
    );
  }
  const { link } = check;
  return (
    <>
      <h1 className="text-lg font-semibold text-slate-900">{link.kind === "invitation" ? `Welcome, ${link.name}` : "Choose a new password"}</h1>
      <p className="mt-1 text-sm text-slate-600">
        Choose the password for <strong className="font-medium text-slate-900">{link.email}</strong>. This link works once, until {link.expiresAt.slice(0, 10)}.
      </p>
      <form
        className="mt-5 space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (password !== repeat) {
            setError({ message: "The two passwords differ.", field: "repeat" });
            return;
          }
          setError(null);
          startTransition(async () => {
            const result = await setPasswordAction(token, password);
            if (!result.ok) {
              setError({ message: result.message, field: result.fields?.password ? "password" : undefined });
              return;
            }
            const signedIn = await signIn("credentials", { email: result.email, password, redirect: false });
            if (signedIn?.ok) {
              router.replace("/images");
              router.refresh();
            } else router.replace("/signin");
          });
        }}
      >
        {error && !error.field ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
        {/* For password managers: the account the password belongs to. */}
        <input type="email" name="email" autoComplete="username" value={link.email} readOnly hidden />
        <Field
          label="New password"
          htmlFor="new-password"
          error={error?.field === "password" ? error.message : undefined}
          hint={`At least ${minLength} characters; a few words make a good one.`}
        >
          <TextInput
            id="new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={minLength}
            value={password}
            invalid={error?.field === "password"}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        <Field label="New password again" htmlFor="repeat-password" error={error?.field === "repeat" ? error.message : undefined}>
          <TextInput
            id="repeat-password"
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            invalid={error?.field === "repeat"}
            onChange={(event) => setRepeat(event.target.value)}
          />
        </Field>
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Setting your password…" : "Set password and sign in"}
        </Button>
      </form>
    </>
  );
}
