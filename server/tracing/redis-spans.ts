import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Redis } from "ioredis";
import { isTracingOn } from "@/server/tracing/spans";

/**
 * A CLIENT span per Redis command ("redis PUBLISH") issued under a span of ours. Wrapped here
 * because the ioredis instrumentation patches through require hooks, which never see the ESM
 * imports of the server bundle and the tests (as for S3, storage/s3-tracing.ts). The command's
 * name only, never its arguments: keys hold ids and addresses, values anything.
 */
export function traceRedis<R extends Pick<Redis, "sendCommand">>(client: R): R {
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    // Background traffic (subscriber pings, lock renewals on a timer) has no parent: no span.
    if (!isTracingOn() || !trace.getActiveSpan()) return send(command, stream);
    const operation = command.name.toUpperCase();
    const span = trace.getTracer("yunpan").startSpan(`redis ${operation}`, { kind: SpanKind.CLIENT, attributes: { "db.system": "redis", "db.operation.name": operation } });
    command.promise.then(
      () => span.end(),
      (e: unknown) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.name ?? "error" });
        span.end();
      },
    );
    return send(command, stream);
  };
  return client;
}
