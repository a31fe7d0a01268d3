import { cn } from "../ui/cn";
import { CopyButton } from "../ui/copy-button";

/** A command that fixes a failed check, ready to copy: the validation report and the upload pre-check show it alike. */
export function FixCommand({ command, wrap = false, className }: { command: string; wrap?: boolean; className?: string }) {
  return (
    <div className={cn("flex items-start gap-2", className)}>
      <code
        className={cn(
          "block min-w-0 flex-1 rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100",
          wrap ? "whitespace-pre-wrap break-all" : "overflow-x-auto whitespace-pre",
        )}
      >
        {command}
      </code>
      <CopyButton text={command} label="Copy fix" />
    </div>
  );
}
