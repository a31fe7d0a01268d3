import { type NextRequest, NextResponse } from "next/server";
import { actionRefusal } from "@/lib/http/action-body";
import { clientAddressOf, isSecureRequest } from "@/lib/http/request-context";
import { pageContentSecurityPolicy } from "@/lib/http/security-headers";

/**
 * Pages only (see the matcher): a Content-Security-Policy with a fresh nonce, which Next reads from the
 * request's copy of the header and puts on its scripts; and server action bodies checked before Next
 * decodes them, since it answers a malformed one with a 500. The other security headers come from the
 * front door (lib/http/front-door.ts), which every request meets first.
 */
export async function proxy(request: NextRequest) {
  const actionId = request.method === "POST" ? request.headers.get("next-action") : null;
  if (actionId !== null) {
    const refusal = await actionRefusal(actionId, request.headers.get("content-type") ?? "", await request.arrayBuffer());
    if (refusal) {
      console.warn(
        `refused server action on ${JSON.stringify(request.nextUrl.pathname)} from ${clientAddressOf(request.headers) ?? "?"}: ${refusal.status} ${refusal.message}`,
      );
      return new NextResponse(refusal.message, {
        status: refusal.status,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pageContentSecurityPolicy({ nonce, secure: isSecureRequest(request.headers), dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Every page. Not the API (JSON: the front door's policy allows nothing), Next's static files, the files
  // of public/, and never the raw routes of lib/server (the tus endpoint under /api/v1/uploads and the
  // downloads /api/v1/images/ID/file and /images/ID/download): Next buffers a request's body for Proxy.
  matcher: [
    "/((?!api/|_next/static/|_next/image|favicon\\.ico|icon\\.svg|icon-\\d+\\.png|apple-touch-icon\\.png|manifest\\.webmanifest|robots\\.txt|images/[^/]+/download$).*)",
  ],
};
