"use client";

import { Archive, ArchiveRestore, Download, Eye, Pencil, Share2, SlidersHorizontal, Trash2, Users } from "lucide-react";
import { ContextMenu, DropdownMenu } from "radix-ui";
import type { ComponentType, ReactNode } from "react";
import type { ImageAction } from "@/lib/catalog/actions";

export type MenuCommand = "view" | "download" | "rename" | "edit" | "share" | "delete" | "publish" | "deprecate" | "undeprecate";

interface Entry {
  command: MenuCommand;
  label: string;
  icon: ComponentType<{ className?: string }>;
  danger?: boolean;
}

/** Menu entries in display order, from what the policy allows on this image. */
export function menuEntries(actions: ImageAction[], deprecated: boolean): Entry[][] {
  const has = (action: ImageAction) => actions.includes(action);
  const groups: Entry[][] = [
    [{ command: "view" as const, label: "View", icon: Eye }, ...(has("download") ? [{ command: "download" as const, label: "Download", icon: Download }] : [])],
    [
      ...(has("rename") ? [{ command: "rename" as const, label: "Rename", icon: Pencil }] : []),
      ...(has("edit") ? [{ command: "edit" as const, label: "Edit properties", icon: SlidersHorizontal }] : []),
      // Owners share and revoke; a member who may only see the shares opens the same dialog to see them.
      ...(has("share") || has("view_shares") ? [{ command: "share" as const, label: has("share") ? "Share…" : "Shared with…", icon: Users }] : []),
      ...(has("publish") ? [{ command: "publish" as const, label: "Publish to platform", icon: Share2 }] : []),
      ...(has("deprecate")
        ? deprecated
          ? [
              { command: "deprecate" as const, label: "Change deprecation…", icon: Archive },
              { command: "undeprecate" as const, label: "Restore (undeprecate)", icon: ArchiveRestore },
            ]
          : [{ command: "deprecate" as const, label: "Deprecate…", icon: Archive }]
        : []),
    ],
    has("delete") ? [{ command: "delete" as const, label: "Delete", icon: Trash2, danger: true }] : [],
  ];
  return groups.filter((group) => group.length > 0);
}

const itemClass =
  "flex cursor-default select-none items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-slate-100 data-[highlighted]:text-slate-900";
const contentClass = "z-50 min-w-48 rounded-lg border border-slate-200 bg-white p-1 text-slate-700 shadow-lg";

type Primitive = typeof ContextMenu | typeof DropdownMenu;

function Items({ primitive: P, groups, onCommand }: { primitive: Primitive; groups: Entry[][]; onCommand: (command: MenuCommand) => void }) {
  return groups.map((group, index) => (
    <div key={group[0]?.command ?? index}>
      {index > 0 ? <P.Separator className="my-1 h-px bg-slate-200" /> : null}
      {group.map(({ command, label, icon: Icon, danger }) => (
        <P.Item
          key={command}
          className={`${itemClass} ${danger ? "text-red-600 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-700" : ""}`}
          onSelect={() => onCommand(command)}
        >
          <Icon className="size-4 shrink-0" />
          {label}
        </P.Item>
      ))}
    </div>
  ));
}

/** Right-click menu over `children` (a table row). */
export function RowContextMenu({
  groups,
  onCommand,
  children,
  label,
}: {
  groups: Entry[][];
  onCommand: (command: MenuCommand) => void;
  children: ReactNode;
  label: string;
}) {
  return (
    <ContextMenu.Root modal={false}>
      <ContextMenu.Trigger asChild>{children}</ContextMenu.Trigger>
      <ContextMenu.Portal>
        <ContextMenu.Content className={contentClass} aria-label={`Actions for ${label}`}>
          <Items primitive={ContextMenu} groups={groups} onCommand={onCommand} />
        </ContextMenu.Content>
      </ContextMenu.Portal>
    </ContextMenu.Root>
  );
}

/** The visible "⋯" button opening the same entries. */
export function RowDropdownMenu({ groups, onCommand, label }: { groups: Entry[][]; onCommand: (command: MenuCommand) => void; label: string }) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={`Actions for ${label}`}
        className="rounded-md px-2 py-1 text-lg leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500 data-[state=open]:bg-slate-100"
      >
        ⋯
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={4} className={contentClass}>
          <Items primitive={DropdownMenu} groups={groups} onCommand={onCommand} />
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
