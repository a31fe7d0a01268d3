import Link from "next/link";
import type { ImageSummary } from "./types";

/** Where a version of a family links to: its family's history, in the family's own scope. */
export const historyHref = (image: Pick<ImageSummary, "family" | "visibility">) =>
  `/images/families/${encodeURIComponent(image.family ?? "")}?visibility=${image.visibility}`;

/** "debian-12-golden · 1.4.2 · history": a row's and a page's pointer to the family a version belongs to. */
export function FamilyLine({ image }: { image: Pick<ImageSummary, "family" | "version" | "visibility" | "name"> }) {
  if (!image.family) return null;
  return (
    <span className="block truncate text-xs text-slate-500">
      <span className="font-mono">{image.family}</span> · version <span className="font-mono">{image.version}</span> ·{" "}
      <Link href={historyHref(image)} className="text-brand-700 underline hover:text-brand-600" aria-label={`Version history of ${image.family}`}>
        history
      </Link>
    </span>
  );
}

/** What a deprecated, obsolete or deleted image says, with a link to its replacement (any image id or FAMILY@latest is a portal URL). */
export function DeprecationNotice({ image }: { image: Pick<ImageSummary, "deprecation" | "name"> }) {
  const { state, replacement, deprecateOn, obsoleteOn, deleteOn } = image.deprecation;
  const scheduled = (
    [
      ["deprecated", deprecateOn],
      ["obsolete", obsoleteOn],
      ["deleted", deleteOn],
    ] as const
  ).filter(([, date]) => date && (state === "active" || date > new Date().toISOString()));
  if (state === "active" && scheduled.length === 0) return null;
  const what = {
    active: "This image is active.",
    deprecated: "This image is deprecated: it still works, but should not be used for new machines.",
    obsolete: "This image is obsolete: it is no longer offered for new use, and its download is refused.",
    deleted: "This image was deleted: its file is gone.",
  }[state];
  return (
    <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p>
        {what}{" "}
        {replacement ? (
          <>
            Use{" "}
            <Link href={`/images/${encodeURIComponent(replacement)}`} className="font-medium text-amber-950 underline">
              {replacement}
            </Link>{" "}
            instead.
          </>
        ) : null}
      </p>
      {scheduled.map(([to, date]) => (
        <p key={to} className="mt-1 text-xs">
          Becomes {to} on <time dateTime={date ?? ""}>{(date ?? "").slice(0, 10)}</time>.
        </p>
      ))}
    </div>
  );
}
