import { API_VERSION, API_VERSION_HEADER } from "./version";

/**
 * A streamed answer of JSON lines (one JSON value per line, application/jsonl): each value is written
 * as it is read, so that an export of millions of audit events holds one batch in memory. A failure
 * midway ends the stream without its last newline, which a reader sees as a cut-off line.
 */
export function jsonLinesResponse(values: AsyncGenerator<unknown>, fileName: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await values.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (error) {
        console.error("audit export failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      await values.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "application/jsonl; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store",
      [API_VERSION_HEADER]: API_VERSION,
    },
  });
}
