import { notBuiltResponse, readCliBundle, sha256Line } from "@/lib/cli/bundle/file";

// The bundle's SHA-256 in the format `sha256sum -c` reads, public like the bundle (app/cli/hangar).
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const bundle = await readCliBundle();
  if (!bundle) return notBuiltResponse();
  return new Response(sha256Line(bundle), { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" } });
}
