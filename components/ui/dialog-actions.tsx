import { Button, type ButtonVariant } from "./button";
import { cn } from "./cn";

interface DialogActionsProps {
  onCancel: () => void;
  /** "Cancel", or "Done" where what the dialog did so far stays done. */
  cancelLabel?: string;
  /** The action's word, and the one it shows while it runs ("Save", "Saving…"). */
  label: string;
  pendingLabel: string;
  pending: boolean;
  /** Not ready to run (a required field empty); running disables it too. */
  disabled?: boolean;
  variant?: ButtonVariant;
  /** Without it the action submits the dialog's form, so Enter in a field runs it. */
  onAction?: () => void;
  /** A line above, for dialogs whose body is long enough to need one. */
  divided?: boolean;
  className?: string;
}

/** The row that ends every dialog: a way out on the left of the action, the action saying what it is doing while it runs. */
export function DialogActions({
  onCancel,
  cancelLabel = "Cancel",
  label,
  pendingLabel,
  pending,
  disabled,
  variant,
  onAction,
  divided,
  className,
}: DialogActionsProps) {
  return (
    <div className={cn("flex justify-end gap-2", divided && "border-t border-slate-100 pt-4", className)}>
      <Button variant="secondary" onClick={onCancel}>
        {cancelLabel}
      </Button>
      <Button type={onAction ? "button" : "submit"} variant={variant} disabled={pending || disabled} onClick={onAction}>
        {pending ? pendingLabel : label}
      </Button>
    </div>
  );
}
