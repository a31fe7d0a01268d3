"use client";

import { KeyRound } from "lucide-react";
import { useState } from "react";
import { changePasswordAction } from "@/app/(portal)/settings/actions";
import { useAction } from "../catalog/use-action";
import { Button } from "../ui/button";
import { Field, TextInput } from "../ui/field";

/** Changes the password: the current one first, then the new one twice (a typo in a password cannot be seen). */
export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const { run, pending, error } = useAction();
  const fields: Partial<Record<string, string>> = error?.fields ?? {};
  return (
    <form
      className="grid gap-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-start"
      onSubmit={(event) => {
        event.preventDefault();
        setMismatch(password !== repeat);
        if (password !== repeat) return;
        run(() => changePasswordAction({ current, password }), {
          success: "Password changed; your other sessions were signed out",
          onDone: () => {
            setCurrent("");
            setPassword("");
            setRepeat("");
          },
        });
      }}
    >
      <Field label="Current password" htmlFor="current-password" error={fields.current ?? (error && !fields.password ? error.message : undefined)}>
        <TextInput
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          invalid={Boolean(fields.current)}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </Field>
      <Field label="New password" htmlFor="new-password" error={fields.password} hint={`At least ${minLength} characters; a few words make a good one.`}>
        <TextInput
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
          value={password}
          invalid={Boolean(fields.password)}
          onChange={(event) => setPassword(event.target.value)}
        />
      </Field>
      <Field label="New password again" htmlFor="repeat-password" error={mismatch ? "The two new passwords differ." : undefined}>
        <TextInput
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          invalid={mismatch}
          onChange={(event) => setRepeat(event.target.value)}
        />
      </Field>
      <Button type="submit" className="sm:mt-6" disabled={pending}>
        <KeyRound className="size-4" />
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
