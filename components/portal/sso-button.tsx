"use client";

import { LogIn } from "lucide-react";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "../ui/button";

/** Starts an OpenID Connect sign-in: next-auth sends the browser to the provider, with PKCE, state and nonce. */
export function SsoButton({ provider, name }: { provider: string; name: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      className="mt-5 w-full"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn(provider, { callbackUrl: "/images" });
      }}
    >
      <LogIn className="size-4" aria-hidden />
      {pending ? "Going to sign-in…" : `Sign in with ${name}`}
    </Button>
  );
}
