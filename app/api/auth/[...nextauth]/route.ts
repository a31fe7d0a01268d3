import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { isSecureRequest } from "@/lib/http/request-context";

type Context = { params: Promise<{ nextauth: string[] }> };

/** next-auth reads a JSON body with req.json() and fails with a 500 when it is not JSON. */
async function unreadableJson(req: NextRequest): Promise<boolean> {
  if (req.method !== "POST" || !(req.headers.get("content-type") ?? "").includes("application/json")) return false;
  try {
    JSON.parse(await req.clone().text());
    return false;
  } catch {
    return true;
  }
}

// Options per request: cookies are Secure when the client came over HTTPS.
async function handler(req: NextRequest, context: Context): Promise<Response> {
  if (await unreadableJson(req)) return Response.json({ error: "The body is not valid JSON." }, { status: 400 });
  return NextAuth(req, context, authOptions(isSecureRequest(req.headers), Object.fromEntries(req.headers.entries()))) as Promise<Response>;
}

export { handler as GET, handler as POST };
