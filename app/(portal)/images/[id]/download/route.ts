import { Readable } from "node:stream";
import { currentActor } from "@/lib/auth/session";
import { openDownload } from "@/lib/catalog/download";
import { catalogDeps } from "@/lib/catalog/runtime";
import { httpStatus } from "@/lib/result";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await openDownload(catalogDeps(), await currentActor(), id, request.headers.get("range"));
  if (!result.ok) return new Response(result.error.message, { status: httpStatus(result.error.code), headers: { "content-type": "text/plain; charset=utf-8" } });
  const { status, headers, body } = result.value;
  return new Response(body ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : null, { status, headers });
}
