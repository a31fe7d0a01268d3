import { notBuiltResponse, readCliBundle } from "@/lib/cli/bundle/file";

// The `hangar` command, served without a session: it is the same public code as the repository,
// and `curl` on a fresh machine has no session to send (docs/decisions.md, "The CLI as one file").
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const bundle = await readCliBundle();
  if (!bundle) return notBuiltResponse();
  return new Response(new Uint8Array(bundle.bytes), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "content-disposition": 'attachment; filename="hangar"',
      "cache-control": "no-cache",
      etag: `"${bundle.sha256}"`,
      "x-checksum-sha256": bundle.sha256,
    },
  });
}
