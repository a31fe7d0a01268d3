"use client";

import { KeyRound, Pencil, Trash2, UserCheck, UserX } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { type ComponentType, useState } from "react";
import { updateUserAction } from "@/app/(portal)/admin/users/actions";
import type { AccountSummary } from "@/lib/accounts/list";
import { ConfirmDialog } from "../../catalog/confirm-dialog";
import { DeleteUserDialog } from "./delete-user-dialog";
import { EditUserDialog } from "./edit-user-dialog";
import { ResetPasswordDialog } from "./reset-password-dialog";

type Command = "edit" | "reset" | "disable" | "enable" | "delete";

const ENTRIES: { command: Command; label: string; icon: ComponentType<{ className?: string }>; danger?: boolean }[] = [
  { command: "edit", label: "Edit", icon: Pencil },
  { command: "reset", label: "Reset password", icon: KeyRound },
  { command: "disable", label: "Disable", icon: UserX },
  { command: "enable", label: "Enable", icon: UserCheck },
  { command: "delete", label: "Delete", icon: Trash2, danger: true },
];

const itemClass =
  "flex cursor-default select-none items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-slate-100 data-[highlighted]:text-slate-900";

/**
 * What an administrator can do to one account, from its row: the entries that apply (not to oneself
 * what would lock one out). The server decides again.
 */
export function UserActions({
  user,
  self,
  defaultQuota,
  others,
}: {
  user: AccountSummary;
  self: boolean;
  defaultQuota: string;
  others: { email: string; name: string }[];
}) {
  const [open, setOpen] = useState<Command | null>(null);
  const disabled = user.status === "disabled";
  const shown = ENTRIES.filter(({ command }) => {
    if (command === "edit") return true;
    if (self) return false;
    if (command === "disable") return !disabled;
    if (command === "enable") return disabled;
    return true;
  });
  const dialog = (command: Command) => ({ open: open === command, onOpenChange: (next: boolean) => setOpen(next ? command : null) });
  return (
    <>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger
          aria-label={`Actions for ${user.email}`}
          className="rounded-md px-2 py-1 text-lg leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500 data-[state=open]:bg-slate-100"
        >
          ⋯
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="end" sideOffset={4} className="z-50 min-w-44 rounded-lg border border-slate-200 bg-white p-1 text-slate-700 shadow-lg">
            {shown.map(({ command, label, icon: Icon, danger }) => (
              <DropdownMenu.Item
                key={command}
                className={`${itemClass} ${danger ? "text-red-600 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-700" : ""}`}
                onSelect={() => setOpen(command)}
              >
                <Icon className="size-4 shrink-0" />
                {label}
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <EditUserDialog user={user} self={self} defaultQuota={defaultQuota} {...dialog("edit")} />
      <ResetPasswordDialog user={user} {...dialog("reset")} />
      <DeleteUserDialog user={user} others={others} {...dialog("delete")} />
      <ConfirmDialog
        {...dialog("disable")}
        title="Disable user?"
        description={`${user.email} is signed out everywhere at once, and their sign-ins and API tokens are refused until you enable the account again.`}
        confirmLabel="Disable user"
        success={`Disabled ${user.email}`}
        danger
        action={() => updateUserAction(user.id, { disabled: true })}
      />
      <ConfirmDialog
        {...dialog("enable")}
        title="Enable user?"
        description={`${user.email} can sign in again, and their API tokens work again.`}
        confirmLabel="Enable user"
        success={`Enabled ${user.email}`}
        action={() => updateUserAction(user.id, { disabled: false })}
      />
    </>
  );
}
