import { latin1, u16be, u32be, u64be } from "../binary";
import type { Finding, FormatAnalysis, FormatParser } from "../findings";
import { LUKS } from "./findings";
import type { ByteSource } from "../source";

/** LUKS2 keeps its JSON metadata after a 4 KiB binary header; we read at most this much of it. */
const MAX_JSON = 64 * 1024;

/** The payload offset of a LUKS2 volume, from the JSON area's first data segment. */
async function luks2Segment(src: ByteSource, headerSize: number): Promise<{ offset: number; size: number | null } | null> {
  const json = latin1(await src.read(4096, Math.min(Math.max(0, headerSize - 4096), MAX_JSON)));
  const end = json.indexOf("\0");
  try {
    const parsed: unknown = JSON.parse(end < 0 ? json : json.slice(0, end));
    const segments = (parsed as { segments?: Record<string, { offset?: unknown; size?: unknown }> }).segments;
    const first = segments ? Object.values(segments)[0] : undefined;
    if (!first || typeof first.offset !== "string") return null;
    const size = typeof first.size === "string" && first.size !== "dynamic" ? Number(first.size) : null;
    return { offset: Number(first.offset), size };
  } catch {
    return null;
  }
}

export const luksParser: FormatParser = {
  async analyse(src): Promise<FormatAnalysis> {
    const h = await src.exact(0, 256, "LUKS header");
    const version = u16be(h, 6);
    const findings: Finding[] = [];
    let payload: number | null = null;
    let payloadSize: number | null = null;
    if (version === 1) {
      payload = u32be(h, 104) * 512;
    } else if (version === 2) {
      const segment = await luks2Segment(src, u64be(h, 8));
      payload = segment?.offset ?? null;
      payloadSize = segment?.size ?? null;
    }
    if (payload !== null && payload > src.size) findings.push(LUKS.payload_past_end());
    const virtualSize = payloadSize ?? (payload !== null ? Math.max(0, src.size - payload) : null);
    const cipher = version === 1 ? `${latin1(h.subarray(8, 40)).replace(/\0.*$/s, "")}-${latin1(h.subarray(40, 72)).replace(/\0.*$/s, "")}` : undefined;
    return { info: { virtualSize, encrypted: true, subformat: `LUKS${version}${cipher ? ` (${cipher})` : ""}` }, findings };
  },
};
