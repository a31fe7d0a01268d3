import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from "@/lib/audit/actions";

export type AuditFilterValues = Partial<Record<"actor" | "action" | "objectType" | "objectId" | "project" | "from" | "to", string>>;

/** The audit trail's filters as a GET form: their state is the page's URL, so a filtered view can be bookmarked and shared. */
export function AuditFilters({ values, errors }: { values: AuditFilterValues; errors: Record<string, string> }) {
  const input = (name: keyof AuditFilterValues, label: string, props: { type?: string; placeholder?: string } = {}) => (
    <Field label={label} htmlFor={`audit-${name}`} error={errors[name]}>
      <TextInput id={`audit-${name}`} name={name} defaultValue={values[name] ?? ""} invalid={Boolean(errors[name])} {...props} />
    </Field>
  );
  return (
    <form method="get" action="/admin/audit" aria-label="Filter the audit trail" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      <Field label="Action" htmlFor="audit-action" error={errors.action}>
        <Select id="audit-action" name="action" defaultValue={values.action ?? ""}>
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action.id} value={action.id}>
              {action.label} ({action.id})
            </option>
          ))}
        </Select>
      </Field>
      {input("actor", "Actor", { placeholder: "Email or user id" })}
      <Field label="Object type" htmlFor="audit-objectType" error={errors.objectType}>
        <Select id="audit-objectType" name="objectType" defaultValue={values.objectType ?? ""}>
          <option value="">Any object</option>
          {AUDIT_OBJECT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </Select>
      </Field>
      {input("objectId", "Object id")}
      {input("project", "Project id")}
      {input("from", "From (UTC)", { type: "datetime-local" })}
      {input("to", "To (UTC)", { type: "datetime-local" })}
      <div className="flex items-end gap-2">
        <button type="submit" className={buttonClass("primary")}>
          Filter
        </button>
        <Link href="/admin/audit" className={buttonClass("secondary")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
