import { listAuditOperation } from "@/lib/api/account-operations";
import { jsonLinesResponse } from "@/lib/api/json-lines";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { exportAuditEvents, listAuditEvents } from "@/lib/audit/query";
import { db } from "@/lib/db/client";

export const GET = apiRoute(listAuditOperation, async ({ actor, query }) => {
  if (query.format === "json") return listAuditEvents(db(), actor, query);
  const events = await exportAuditEvents(db(), actor, query);
  return events.ok ? jsonLinesResponse(events.value, "hangar-audit.jsonl") : events;
});
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
