import { SSO_REFUSALS, type SsoRefusal } from "./provision";

/**
 * What the sign-in page says for an error code in its address (`?error=`): next-auth's codes for an
 * OpenID Connect sign-in that failed, and Hangar's refusals. Only codes travel in the URL, so that
 * nobody can make the page show a text of their choosing.
 */
export function signInErrorMessage(error: string | undefined, reason: string | undefined, providerName: string): string | null {
  if (!error) return null;
  if (error === "SsoRefused") {
    const known = reason && Object.hasOwn(SSO_REFUSALS, reason) ? SSO_REFUSALS[reason as SsoRefusal] : null;
    return known ? known("The identity provider") : "Single sign-on was refused.";
  }
  if (["OAuthSignin", "OAuthCallback", "Callback", "OAuthCreateAccount", "OAuthAccountNotLinked"].includes(error))
    return `Signing in with ${providerName} did not work: its answer could not be checked. Try again, or tell your administrator if it keeps failing.`;
  if (error === "AccessDenied") return `${providerName} did not let you sign in.`;
  if (error === "Configuration") return "Sign-in is not configured correctly on the server. Tell your administrator.";
  if (error === "SessionRequired") return "Sign in to see that page.";
  return "Signing in did not work. Try again.";
}
