"use client";

import { FilePlus2 } from "lucide-react";
import { useState } from "react";
import { registerAction } from "@/app/(portal)/images/actions";
import { humanBytes } from "../catalog/format";
import { useAction } from "../catalog/use-action";
import { Button } from "../ui/button";
import { Field, Select, TextInput } from "../ui/field";

/** Registers a file an operator copied into the import directory as a platform image. */
export function RegisterForm({ files, importDir }: { files: { name: string; size: number }[]; importDir: string }) {
  const [fileName, setFileName] = useState(files[0]?.name ?? "");
  const [name, setName] = useState("");
  const { run, pending, error } = useAction();
  if (files.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No files are waiting. Copy a disk image into <code className="rounded bg-slate-100 px-1 font-mono text-xs">{importDir}</code> on the server and reload
        this page.
      </p>
    );
  }
  return (
    <form
      className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => registerAction({ fileName, name }), { success: `Registered “${name.trim()}”`, onDone: () => setName("") });
      }}
    >
      <Field label="File in the import directory" htmlFor="register-file" error={error?.fields.fileName}>
        <Select id="register-file" value={fileName} onChange={(event) => setFileName(event.target.value)}>
          {files.map((file) => (
            <option key={file.name} value={file.name}>
              {file.name} ({humanBytes(file.size)})
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Name" htmlFor="register-name" error={error?.fields.name ?? (error && !error.fields.fileName ? error.message : undefined)}>
        <TextInput id="register-name" placeholder="e.g. Debian 12" value={name} onChange={(event) => setName(event.target.value)} />
      </Field>
      <Button type="submit" className="sm:mt-6" disabled={pending}>
        <FilePlus2 className="size-4" />
        {pending ? "Registering…" : "Register"}
      </Button>
    </form>
  );
}
