import type { S3Client } from "@aws-sdk/client-s3";
import { SpanKind, withSpan } from "@/server/tracing/spans";

/**
 * A CLIENT span per S3 command ("S3.PutObject"), under whatever span issued it. Added as SDK
 * middleware because the aws-sdk instrumentation patches through require hooks, which never see
 * the ESM build of the SDK that the server bundle and the tests import. Bucket and operation only:
 * never the key, the request's headers or a presigned URL.
 */
export function traceS3Client(client: Pick<S3Client, "middlewareStack">): void {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const operation = String(context.commandName ?? "Command").replace(/Command$/, "");
      const attributes = { "rpc.system": "aws-api", "rpc.service": "S3", "rpc.method": operation, "aws.s3.bucket": String((args.input as { Bucket?: string }).Bucket ?? "") };
      return withSpan(`S3.${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
        const out = await next(args);
        const status = (out.response as { statusCode?: number } | undefined)?.statusCode;
        if (span && status) span.setAttribute("http.response.status_code", status);
        return out;
      });
    },
    { step: "initialize", name: "yunpanTracing" },
  );
}
