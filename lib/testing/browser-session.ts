/**
 * Signing in and out of a running Hangar over HTTP, as the portal's form does through next-auth
 * (CSRF token, then the credentials callback), for tests that need a real session cookie.
 */
const cookiePairs = (response: Response) => response.headers.getSetCookie().map((cookie) => cookie.split(";")[0] ?? "");

/** next-auth's CSRF token and the cookies that go with it, which every POST to /api/auth needs. */
export async function csrf(url: string, headers: Record<string, string> = {}): Promise<{ csrfToken: string; cookies: string[] }> {
  const response = await fetch(`${url}/api/auth/csrf`, { headers });
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { csrfToken, cookies: cookiePairs(response) };
}

export interface SignInAnswer {
  /** The session cookie ("name=value"), when the sign-in worked. */
  cookie: string | null;
  /** The message next-auth passes back to the form (its error parameter), when it did not. */
  error: string | null;
  /** The Set-Cookie headers as sent, to check their attributes. */
  setCookies: string[];
}

export async function signInOverHttp(url: string, email: string, password: string, headers: Record<string, string> = {}): Promise<SignInAnswer> {
  const { csrfToken, cookies } = await csrf(url, headers);
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password }),
  });
  const setCookies = response.headers.getSetCookie();
  const cookie = cookiePairs(response).find((pair) => /^(__Secure-)?next-auth\.session-token=./.test(pair)) ?? null;
  const location = response.headers.get("location") ?? "";
  const error = cookie ? null : new URL(location, url).searchParams.get("error");
  return { cookie, error, setCookies };
}

/** Signs out the session the cookie names, as the portal's Sign out button does. */
export async function signOutOverHttp(url: string, cookie: string): Promise<void> {
  const { csrfToken, cookies } = await csrf(url, { cookie });
  await fetch(`${url}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [cookie, ...cookies].join("; ") },
    body: new URLSearchParams({ csrfToken }),
  });
}
