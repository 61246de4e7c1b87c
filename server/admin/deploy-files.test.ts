// The deployment files stay valid: they parse, every Yunpan variable they set exists in the env
// schema (a renamed variable fails here, not in production), and the upload path is streamed.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { expect, test } from "vitest";
import { envSchema, resolveEnv } from "@/server/env";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const known = new Set(Object.keys(envSchema.shape));

function parseYaml(file: string): unknown[] {
  const docs = parseAllDocuments(read(file), { merge: true });
  for (const d of docs) expect(d.errors, `${file}: ${d.errors.map((e) => e.message).join("; ")}`).toEqual([]);
  return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown) => (v ?? {}) as Obj;

test("Dockerfile: multi-stage, non-root, runs the built server, sets only known variables", () => {
  const text = read("Dockerfile");
  const stages = [...text.matchAll(/^FROM\s+\S+\s+AS\s+(\w+)/gim)].map((m) => m[1]);
  expect(stages).toEqual(["deps", "build", "runtime"]);
  expect(text).toMatch(/^USER node$/m);
  // The runtime stage is the standalone app alone (the browser tests run the same folder).
  const runtime = text.slice(text.search(/^FROM\s+\S+\s+AS\s+runtime/m));
  expect([...runtime.matchAll(/^COPY --from=build\s+(?:--\S+\s+)*(\S+)\s+\S+$/gm)].map((m) => m[1])).toEqual(["/app/.next/standalone"]);
  expect(read("next.config.ts")).toMatch(/output:\s*"standalone"/);
  expect(text).toMatch(/^CMD \["node", "dist\/server\.mjs"\]$/m);
  expect(text).toMatch(/\/api\/health/);
  const env = [...text.matchAll(/^ENV\s+((?:.+\\\n)*.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((x) => x[1]!));
  // Read by Next and by glibc's malloc, not by our schema.
  const ours = env.filter((n) => n !== "NEXT_TELEMETRY_DISABLED" && n !== "MALLOC_ARENA_MAX");
  expect(ours.length).toBeGreaterThan(3);
  for (const name of ours) expect(known, `Dockerfile ENV ${name}`).toContain(name);
});

test("compose.yaml: two Yunpan replicas, PostgreSQL, MinIO, Redis and nginx; every variable is in the schema and the set validates", () => {
  const [compose] = parseYaml("compose.yaml") as [Obj];
  const services = obj(compose.services);
  expect(Object.keys(services)).toEqual(expect.arrayContaining(["yunpan1", "yunpan2", "postgres", "minio", "redis", "nginx"]));
  for (const name of ["yunpan1", "yunpan2"]) {
    const env = obj(obj(services[name]).environment);
    for (const key of Object.keys(env)) expect(known, `compose ${name} ${key}`).toContain(key);
    expect(env).toMatchObject({ STORAGE: "s3", S3_BUCKET: "yunpan" });
    // With the ${…} substitutions filled in, the replicas' configuration passes the server's own check.
    const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[^}]*\}/g, k === "AUTH_SECRET" ? "x".repeat(40) : "filled")]));
    expect(() => resolveEnv(filled)).not.toThrow();
  }
  const volumes = obj(services.nginx).volumes as string[];
  expect(volumes.some((v) => v.startsWith("./deploy/nginx/yunpan.conf:"))).toBe(true);
});

test("nginx: uploads stream to the replicas unbuffered and uncapped", () => {
  const conf = read("deploy/nginx/yunpan.conf").replace(/#.*$/gm, "");
  expect(conf.split("{").length).toBe(conf.split("}").length);
  expect(conf).toMatch(/upstream yunpan \{[^}]*server yunpan1:3000[^}]*server yunpan2:3000/);
  expect(conf).toMatch(/client_max_body_size 0;/);
  const upload = /location \/api\/upload \{([^}]*)\}/.exec(conf)?.[1] ?? "";
  expect(upload).toMatch(/proxy_request_buffering off;/);
  expect(upload).toMatch(/proxy_pass http:\/\/yunpan;/);
});

test("nginx: the event stream (/api/events) is passed on unbuffered and outlives the default read timeout", () => {
  const conf = read("deploy/nginx/yunpan.conf").replace(/#.*$/gm, "");
  const events = /location = \/api\/events \{([^}]*)\}/.exec(conf)?.[1] ?? "";
  expect(events).toMatch(/proxy_buffering off;/);
  expect(events).toMatch(/proxy_read_timeout 1h;/);
  expect(events).toMatch(/proxy_pass http:\/\/yunpan;/);
});

test("nginx: signed blob URLs are cached by slice (the location signed-content-nginx.int.test.ts runs)", () => {
  const conf = read("deploy/nginx/yunpan.conf").replace(/#.*$/gm, "");
  expect(conf).toMatch(/^proxy_cache_path \S+ [^;]*keys_zone=yunpan_blobs:/m);
  const blobs = /location \^~ \/api\/blob\/ \{([^}]*)\}/.exec(conf)?.[1] ?? "";
  expect(blobs).toMatch(/proxy_cache yunpan_blobs;/);
  expect(blobs).toMatch(/proxy_cache_key \$uri\$is_args\$args\$slice_range;/);
  expect(blobs).toMatch(/proxy_set_header Range \$slice_range;/);
  expect(blobs).toMatch(/proxy_pass http:\/\/yunpan;/);
});

test("Kubernetes: Deployment with readiness on /api/health, Service, HPA and a Secret example; variables are in the schema", () => {
  const dir = path.join(root, "deploy/k8s");
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseYaml(`deploy/k8s/${f}`).map((d) => ({ file: f, doc: obj(d) })));
  const byKind = (kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
  const [deployment] = byKind("Deployment");
  expect(deployment).toBeDefined();
  const pod = obj(obj(obj(deployment).spec).template);
  const [container] = obj(pod.spec).containers as Obj[];
  expect(obj(obj(container!.readinessProbe).httpGet)).toMatchObject({ path: "/api/health" });
  for (const e of (container!.env as { name: string }[]) ?? []) expect(known, `Deployment env ${e.name}`).toContain(e.name);
  expect(byKind("Service")).toHaveLength(1);
  const [hpa] = byKind("HorizontalPodAutoscaler");
  expect(obj(obj(hpa).spec)).toMatchObject({ scaleTargetRef: { kind: "Deployment", name: "yunpan" }, minReplicas: 2 });
  const [secret] = byKind("Secret");
  const [config] = byKind("ConfigMap");
  for (const key of [...Object.keys(obj(obj(secret).stringData)), ...Object.keys(obj(obj(config).data))]) expect(known, `k8s ${key}`).toContain(key);
  // The Deployment reads exactly these two by name.
  const from = (container!.envFrom as Obj[]).map((f) => obj(f.configMapRef ?? f.secretRef).name);
  expect(from).toEqual([obj(obj(config).metadata).name, obj(obj(secret).metadata).name]);
  const ingress = byKind("Ingress")[0];
  expect(obj(obj(ingress).metadata).annotations).toMatchObject({ "nginx.ingress.kubernetes.io/proxy-request-buffering": "off" });
});
