"use client";

import { KeyRound, TriangleAlert } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createTokenAction } from "@/app/(portal)/settings/actions";
import { DEFAULT_EXPIRY, EXPIRY_CHOICES } from "@/lib/auth/token-expiry";
import { Button } from "../ui/button";
import { CopyButton } from "../ui/copy-button";
import { Field, Select, TextInput } from "../ui/field";

/** The scopes a token may have (lib/auth/actor.ts's TOKEN_SCOPES), as the form offers them. */
const TOKEN_SCOPE_CHOICES = [
  { value: "full", label: "Everything I may" },
  { value: "read", label: "Read only" },
  { value: "upload", label: "Upload and read" },
] as const;

/**
 * Creates a token and shows its secret once: the server keeps only a hash. Asks for the password too
 * when the session signed in more than 15 minutes ago (the server says so when the page is older); an
 * account without a Hangar password (single sign-on) is told to sign in again instead.
 */
export function CreateTokenForm({
  origin,
  reauthentication,
  projects,
}: {
  origin: string;
  /** What proves a session that signed in long ago: the password, a new sign-in, or nothing yet (recent). */
  reauthentication: "password" | "sign-in" | null;
  projects: { id: string; name: string }[];
}) {
  const needsPassword = reauthentication === "password";
  const router = useRouter();
  const [name, setName] = useState("");
  const [expiresInDays, setExpiresInDays] = useState<string>(DEFAULT_EXPIRY);
  // A CI pipeline's token: one project, and only reading or uploading.
  const [projectId, setProjectId] = useState("");
  const [scope, setScope] = useState<string>("full");
  const [askPassword, setAskPassword] = useState(needsPassword);
  const [password, setPassword] = useState("");
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <div className="space-y-4">
      {reauthentication === "sign-in" ? (
        <p className="text-sm text-amber-800">You signed in more than 15 minutes ago: sign out and sign in again before you create a token.</p>
      ) : null}
      <form
        className={`grid gap-4 sm:items-start ${askPassword ? "sm:grid-cols-[2fr_1fr_1fr_1fr_1.5fr_auto]" : "sm:grid-cols-[2fr_1fr_1fr_1fr_auto]"}`}
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          startTransition(async () => {
            const result = await createTokenAction({ name, expiresInDays, projectId, scope, ...(askPassword ? { password } : {}) });
            if (!result.ok) {
              if (result.reauthenticate && reauthentication !== "sign-in") setAskPassword(true);
              setError({ message: result.message, fields: result.fields ?? {} });
              return;
            }
            setCreated({ name: result.token.name, secret: result.secret });
            setName("");
            setPassword("");
            setAskPassword(false);
            router.refresh();
          });
        }}
      >
        <Field
          label="Token name"
          htmlFor="token-name"
          error={
            error?.fields.name ??
            (error && !error.fields.expiresInDays && !(error.fields.password && askPassword) && !error.fields.projectId ? error.message : undefined)
          }
          hint="What will use it, e.g. “laptop” or “CI pipeline”."
        >
          <TextInput id="token-name" value={name} maxLength={120} invalid={Boolean(error?.fields.name)} onChange={(event) => setName(event.target.value)} />
        </Field>
        <Field label="Expires after" htmlFor="token-expiry" error={error?.fields.expiresInDays}>
          <Select id="token-expiry" value={expiresInDays} onChange={(event) => setExpiresInDays(event.target.value)}>
            {EXPIRY_CHOICES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Project" htmlFor="token-project" error={error?.fields.projectId}>
          <Select id="token-project" value={projectId} onChange={(event) => setProjectId(event.target.value)}>
            <option value="">All my projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="May" htmlFor="token-scope" error={error?.fields.scope}>
          <Select id="token-scope" value={scope} onChange={(event) => setScope(event.target.value)}>
            {TOKEN_SCOPE_CHOICES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        {askPassword ? (
          <Field label="Your password" htmlFor="token-password" error={error?.fields.password} hint="You signed in over 15 minutes ago: confirm it is you.">
            <TextInput
              id="token-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              invalid={Boolean(error?.fields.password)}
              onChange={(event) => setPassword(event.target.value)}
            />
          </Field>
        ) : null}
        <Button type="submit" className="sm:mt-6" disabled={pending}>
          <KeyRound className="size-4" />
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>

      {created ? (
        <div role="status" aria-label="New token" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4">
          <p className="flex items-center gap-2 text-sm font-medium text-emerald-900">
            <TriangleAlert className="size-4 text-amber-600" />
            Copy the token “{created.name}” now: it is shown only once and cannot be recovered.
          </p>
          <div className="mt-3 flex items-center gap-2">
            <code
              data-testid="new-token"
              className="min-w-0 flex-1 break-all rounded-md bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-inset ring-emerald-200"
            >
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy token" />
          </div>
          <p className="mt-3 text-xs text-emerald-900">Use it from the command line:</p>
          <div className="mt-1 flex items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
              hangar login --url {origin} --token {created.secret}
            </code>
            <CopyButton text={`hangar login --url ${origin} --token ${created.secret}`} label="Copy command" />
          </div>
          <div className="mt-3 flex justify-end">
            <Button variant="secondary" onClick={() => setCreated(null)}>
              Done, I copied it
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
