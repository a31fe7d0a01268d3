import { count, type Env, readEnv } from "../env";

/**
 * HANGAR_GLANCE_PORT: the port of the Glance API's listener, off when unset (docs/decisions.md, "Glance API").
 * 9292 is Glance's own; 0 picks a free port (the start prints it).
 */
export function glancePort(env: Env = process.env): number | null {
  const port = (text: string) => {
    const value = count(text);
    return value !== null && value <= 65535 ? value : undefined;
  };
  return readEnv<number | null>(env, "HANGAR_GLANCE_PORT", port, null, "a port number (9292 is Glance's; 0 picks a free one)");
}
