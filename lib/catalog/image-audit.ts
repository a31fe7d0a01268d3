import type { Actor } from "../auth/actor";
import { type AuditDb, type AuditValues, changedFields, recordAudit } from "../audit/record";
import type { AuditActionId } from "../audit/actions";

type ImageRef = { id: string; projectId: string | null };

/** The columns an edit writes, as the trail shows them: `properties` as the object it holds, not its JSON text. */
function readable(values: AuditValues): AuditValues {
  if (typeof values.properties !== "string") return values;
  try {
    return { ...values, properties: JSON.parse(values.properties) as unknown };
  } catch {
    return values;
  }
}

/**
 * Records a change to an image in the transaction that makes it (lib/audit): the fields of `after` that
 * differ from the row as it was. Nothing is recorded when nothing changed.
 */
export async function auditImageChange(
  tx: AuditDb,
  actor: Actor | "system",
  action: AuditActionId,
  row: ImageRef & AuditValues,
  after: AuditValues,
): Promise<void> {
  const changed = changedFields(readable(row), readable(after));
  if (changed) await recordAudit(tx, actor, { action, objectId: row.id, projectId: row.projectId, ...changed });
}
