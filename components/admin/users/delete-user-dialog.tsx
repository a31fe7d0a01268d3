"use client";

import { useState } from "react";
import { deleteUserAction } from "@/app/(portal)/admin/users/actions";
import type { AccountSummary } from "@/lib/accounts/list";
import { humanBytes } from "@/lib/units";
import { useAction } from "../../catalog/use-action";
import { Dialog } from "../../ui/dialog";
import { Field, TextInput } from "../../ui/field";
import { DialogActions } from "../../ui/dialog-actions";

/** Deletes an account after the administrator chose what becomes of its images: given to another user, or deleted. */
export function DeleteUserDialog({
  user,
  others,
  open,
  onOpenChange,
}: {
  user: AccountSummary;
  /** Other active accounts, offered as who gets the images. */
  others: { email: string; name: string }[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [images, setImages] = useState<"transfer" | "delete">(user.imageCount > 0 ? "transfer" : "delete");
  const [transferTo, setTransferTo] = useState("");
  const { run, pending, error, reset } = useAction();
  const close = (next: boolean) => {
    if (!next) reset();
    onOpenChange(next);
  };
  const listId = `delete-user-${user.id}-others`;
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Delete user?"
      description={`${user.email} is removed with their sessions, API tokens and uploads in progress. Platform images they added stay in the catalog, as yours. This cannot be undone.`}
    >
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          run(() => deleteUserAction(user.id, images === "transfer" ? { images, transferTo } : { images }), {
            success: `Deleted ${user.email}`,
            onDone: () => onOpenChange(false),
          });
        }}
      >
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">
            Their {user.imageCount === 1 ? "image" : `${user.imageCount} images`} ({humanBytes(user.usedBytes)})
          </legend>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="radio" name="images" value="transfer" checked={images === "transfer"} onChange={() => setImages("transfer")} />
            Give them to another user
          </label>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="radio" name="images" value="delete" checked={images === "delete"} onChange={() => setImages("delete")} />
            Delete them with their files
          </label>
        </fieldset>
        {images === "transfer" ? (
          <Field
            label="Email of the user who gets them"
            htmlFor="delete-user-transfer"
            error={error?.fields.transferTo}
            hint="Images whose names they use already get “(from …)” added."
          >
            <TextInput
              id="delete-user-transfer"
              type="email"
              required
              list={listId}
              value={transferTo}
              invalid={Boolean(error?.fields.transferTo)}
              onChange={(event) => setTransferTo(event.target.value)}
            />
            <datalist id={listId}>
              {others.map((other) => (
                <option key={other.email} value={other.email}>
                  {other.name}
                </option>
              ))}
            </datalist>
          </Field>
        ) : null}
        {error && !error.fields.transferTo ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
        <DialogActions onCancel={() => close(false)} label="Delete user" pendingLabel="Deleting…" pending={pending} variant="danger" />
      </form>
    </Dialog>
  );
}
