import type { Metadata } from "next";
import { AuthCard } from "@/components/portal/auth-card";
import { SetPasswordForm } from "@/components/portal/set-password-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/accounts/schemas";

export const metadata: Metadata = { title: "Choose your password" };

/** Where an invitation or a reset link leads. The link's token is in the fragment (#…), which only the page's script reads. */
export default function SetPasswordPage() {
  return (
    <AuthCard>
      <SetPasswordForm minLength={MIN_PASSWORD_LENGTH} />
    </AuthCard>
  );
}
