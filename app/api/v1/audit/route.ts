import { listAuditEventsOperation } from "@/lib/api/audit-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { exportAuditEvents, listAuditEvents } from "@/lib/audit/read";
import { db } from "@/lib/db/client";

const JSON_LINES = "application/x-ndjson";

export const GET = apiRoute(listAuditEventsOperation, async ({ actor, query, request }) => {
  const wantsLines = query.format === "jsonl" || (query.format === undefined && (request.headers.get("accept") ?? "").includes(JSON_LINES));
  if (!wantsLines) return listAuditEvents({ db: db() }, actor, query);
  const stream = await exportAuditEvents({ db: db() }, actor, query);
  if (!stream.ok) return stream;
  return new Response(stream.value, {
    headers: {
      "Content-Type": `${JSON_LINES}; charset=utf-8`,
      "Content-Disposition": 'attachment; filename="hangar-audit.jsonl"',
      "Cache-Control": "no-store",
    },
  });
});
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
