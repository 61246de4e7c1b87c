/** An SSE message that carries an id and data (pings and comments are left out). */
export interface SseMessage {
  id: string;
  data: string;
}

/**
 * The messages of an event stream, one array per chunk read (a chunk may end mid-message: the
 * rest waits for the next one). Ends when the stream does; the caller owns the reader.
 */
export async function* sseMessages(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<SseMessage[]> {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id && data) messages.push({ id, data });
    }
    yield messages;
  }
}
