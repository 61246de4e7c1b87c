import { trace } from "@opentelemetry/api";
import { setTracingOn } from "@/server/tracing/spans";

// OpenTelemetry, configured by the standard OTEL_* variables, exported as OTLP over HTTP (JSON).
// Off unless an OTLP endpoint is named: then the SDK is not even loaded (dynamic imports), and
// the span helpers in spans.ts return at their first check.
//
// Instrumentations: @prisma/instrumentation only. It hooks through a global the Prisma client
// reads on every query, so it works in the esbuild bundle and on PGlite, where no `pg` runs.
// Require-hook instrumentations (http, pg, aws-sdk) never see modules an ESM bundle imports, and
// http's would record raw URLs (share-link tokens, signed-URL signatures): HTTP, tRPC, jobs,
// webhook deliveries and S3 calls get spans from our own code instead (spans.ts). Every span,
// Next.js's own included, leaves through MaskingExporter.

export interface Tracing {
  /** Exports every finished span now (tests; shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function isTracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true") return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter === "otlp";
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts the SDK when OTEL_* asks for traces; call it before the server serves anything. */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | null> {
  if (!isTracingConfigured(env)) return null;
  // Traces only: metrics have their Prometheus endpoint, logs go to stdout with trace ids.
  env.OTEL_SERVICE_NAME ??= "yunpan";
  env.OTEL_METRICS_EXPORTER ??= "none";
  env.OTEL_LOGS_EXPORTER ??= "none";
  const [{ NodeSDK }, { OTLPTraceExporter }, { PrismaInstrumentation }, { MaskingExporter }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@prisma/instrumentation"),
    import("@/server/tracing/masking-exporter"),
  ]);
  // The exporter reads OTEL_EXPORTER_OTLP_*; the SDK batches by OTEL_BSP_* and samples by OTEL_TRACES_SAMPLER*.
  const sdk = new NodeSDK({ traceExporter: new MaskingExporter(new OTLPTraceExporter()), instrumentations: [new PrismaInstrumentation()] });
  sdk.start();
  setTracingOn(true);
  const provider = () => {
    const p = trace.getTracerProvider() as { getDelegate?: () => unknown };
    return (p.getDelegate?.() ?? p) as { forceFlush?: () => Promise<void> };
  };
  return {
    flush: async () => void (await provider().forceFlush?.()),
    shutdown: async () => {
      setTracingOn(false);
      await sdk.shutdown();
    },
  };
}
