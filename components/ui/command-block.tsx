import { CopyButton } from "./copy-button";

/** Shell commands to copy and paste, one per line, with a copy button for all of them. */
export function CommandBlock({ commands, label, testId }: { commands: string[]; label: string; testId?: string }) {
  const text = commands.join("\n");
  return (
    <div className="flex items-start gap-2">
      {/* A long command wraps rather than scrolls: all of it is visible, and nothing needs the keyboard to be read. */}
      <pre
        data-testid={testId}
        className="min-w-0 flex-1 rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100"
      >
        {text}
      </pre>
      <CopyButton text={text} label={label} />
    </div>
  );
}
