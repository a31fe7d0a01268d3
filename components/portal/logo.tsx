import { Warehouse } from "lucide-react";

export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <span className="grid size-7 place-items-center rounded-md bg-brand-500 text-white">
        <Warehouse className="size-4" />
      </span>
      Hangar
    </span>
  );
}
