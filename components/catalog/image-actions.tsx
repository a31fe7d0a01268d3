"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { deleteAction, deprecateAction, publishAction } from "@/app/(portal)/images/actions";
import { Field, TextInput } from "../ui/field";
import { ConfirmDialog } from "./confirm-dialog";
import { DeprecateDialog } from "./deprecate-dialog";
import { EditPropertiesDialog } from "./edit-properties-dialog";
import { humanBytes } from "./format";
import { type MenuCommand, menuEntries, RowDropdownMenu } from "./image-menu";
import { RenameDialog } from "./rename-dialog";
import { ShareDialog } from "./share-dialog";
import type { RowModel } from "./types";

type DialogName = "rename" | "edit" | "share" | "delete" | "publish" | "deprecate" | "undeprecate";

/**
 * The actions on one image: menu entries from what the server allows, what
 * each command does, and the dialogs they open. Rows and the image page share it.
 */
export function useImageActions({ image, actions }: RowModel, { afterDelete }: { afterDelete?: string } = {}) {
  const router = useRouter();
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [publishName, setPublishName] = useState(image.name);
  const retired = image.deprecation.state !== "active";
  const groups = menuEntries(actions, retired);
  const href = `/images/${image.id}`;

  function onCommand(command: MenuCommand) {
    if (command === "view") router.push(href);
    else if (command === "download") window.location.assign(`${href}/download`);
    else setDialog(command);
  }
  const dialogProps = (name: DialogName) => ({ open: dialog === name, onOpenChange: (open: boolean) => setDialog(open ? name : null) });

  const dialogs: ReactNode = (
    <>
      {actions.includes("rename") ? <RenameDialog image={image} {...dialogProps("rename")} /> : null}
      {actions.includes("edit") ? <EditPropertiesDialog image={image} {...dialogProps("edit")} /> : null}
      {actions.includes("share") || actions.includes("view_shares") ? (
        <ShareDialog image={image} manage={actions.includes("share")} {...dialogProps("share")} />
      ) : null}
      {actions.includes("delete") ? (
        <ConfirmDialog
          {...dialogProps("delete")}
          title="Delete image?"
          description={
            <>
              This permanently deletes <strong className="text-slate-900">“{image.name}”</strong> ({humanBytes(image.fileSize)}) and its file. This cannot be
              undone.
            </>
          }
          confirmLabel="Delete image"
          success={`Deleted “${image.name}”`}
          danger
          action={async () => {
            const result = await deleteAction(image.id);
            if (result.ok && afterDelete) router.push(afterDelete);
            return result;
          }}
        />
      ) : null}
      {actions.includes("deprecate") && retired ? (
        <ConfirmDialog
          {...dialogProps("undeprecate")}
          title="Restore image?"
          description={<>“{image.name}” will be active again and show in the lists; its replacement and scheduled dates are cleared.</>}
          confirmLabel="Restore"
          success={`Restored “${image.name}”`}
          action={() => deprecateAction(image.id, false)}
        />
      ) : null}
      {actions.includes("deprecate") ? <DeprecateDialog image={image} {...dialogProps("deprecate")} /> : null}
      {actions.includes("publish") ? (
        <ConfirmDialog
          {...dialogProps("publish")}
          title="Publish to the platform catalog?"
          description={
            <>
              Everyone will see a copy of “{image.name}”. {image.project ? `The project ${image.project.name}` : "Its project"} keeps its private image.
            </>
          }
          confirmLabel="Publish copy"
          success={`Published “${publishName.trim()}”`}
          action={() => publishAction(image.id, publishName)}
        >
          <div className="mb-4">
            <Field label="Name in the platform catalog" htmlFor={`publish-name-${image.id}`}>
              <TextInput id={`publish-name-${image.id}`} value={publishName} onChange={(event) => setPublishName(event.target.value)} />
            </Field>
          </div>
        </ConfirmDialog>
      ) : null}
    </>
  );
  return { groups, onCommand, dialogs };
}

/** The "⋯" menu with its dialogs, for places that are not table rows (the image page). */
export function ImageActionsMenu({ row }: { row: RowModel }) {
  const { groups, onCommand, dialogs } = useImageActions(row, { afterDelete: "/images" });
  return (
    <>
      <RowDropdownMenu groups={groups} onCommand={onCommand} label={row.image.name} />
      {dialogs}
    </>
  );
}
