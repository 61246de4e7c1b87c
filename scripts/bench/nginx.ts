// nginx for the download comparison, in a temp prefix with its own config: one worker, sendfile
// on, access log off (baselines.md, "nginx snippets that were run and checked"). One server block
// serves the blob files directly; another sits in front of Yunpan in X-Accel-Redirect mode.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { childPidsOf } from "./measure";
import { waitUntil, type Processes, type Started } from "./processes";

function nginxBinary(): string | null {
  for (const dir of ["/usr/sbin", "/usr/local/sbin", "/usr/bin", ...(process.env.PATH ?? "").split(":")]) {
    if (dir && existsSync(path.join(dir, "nginx"))) return path.join(dir, "nginx");
  }
  return null;
}

/** The nginx binary; installs Debian's nginx-light when it is missing (root or sudo). */
export function ensureNginx(): string {
  const found = nginxBinary();
  if (found) return found;
  console.error("bench: nginx is missing; installing Debian's nginx-light …");
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const run = (args: string[]) => execFileSync(sudo[0] ?? args[0]!, sudo.length ? args : args.slice(1), { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  run(["apt-get", "install", "-y", "nginx-light"]);
  const installed = nginxBinary();
  if (!installed) throw new Error("nginx-light was installed but no nginx binary was found");
  // Debian starts the packaged service on install; the bench never uses it and leaves it as installed.
  return installed;
}

export interface Nginx {
  master: Started;
  /** master + worker: the processes whose CPU and RSS count. */
  pids: number[];
  worker: number;
  directUrl: (relativePath: string) => string;
  accelBase: string;
}

/**
 * Starts nginx (daemon off, so the master is our child and is stopped by its PID).
 * `blobsDir` is served at /blobs/ on one port; the other proxies to `upstreamPort` and serves
 * X-Accel-Redirect answers from `accelBlobsDir` at the internal location `accelPrefix`.
 */
export async function startNginx(
  procs: Processes,
  options: { dir: string; directPort: number; accelPort: number; blobsDir: string; accelBlobsDir: string; accelPrefix: string; upstreamPort: number },
): Promise<Nginx> {
  const bin = ensureNginx();
  const d = options.dir;
  mkdirSync(d, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  const conf = `
daemon off;
master_process on;
worker_processes 1;
${isRoot ? "user root root;  # the bench's temp files are private to the user running it" : ""}
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type application/octet-stream;
  client_body_temp_path ${d}/client_body;
  proxy_temp_path ${d}/proxy;
  fastcgi_temp_path ${d}/fastcgi;
  uwsgi_temp_path ${d}/uwsgi;
  scgi_temp_path ${d}/scgi;
  upstream yunpan { server 127.0.0.1:${options.upstreamPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${options.directPort};
    location /blobs/ { alias ${options.blobsDir}/; }
  }
  server {
    listen 127.0.0.1:${options.accelPort};
    location ${options.accelPrefix} { internal; alias ${options.accelBlobsDir}/; }
    location / {
      proxy_pass http://yunpan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      client_max_body_size 0;
      proxy_request_buffering off;
    }
  }
}
`;
  const confPath = path.join(d, "nginx.conf");
  writeFileSync(confPath, conf);
  const master = procs.start("nginx", bin, ["-p", d, "-c", confPath, "-e", path.join(d, "error.log")]);
  let worker = 0;
  await waitUntil("nginx's worker", master, async () => {
    const children = childPidsOf(master.pid);
    if (children.length === 0) return false;
    worker = children[0]!;
    const res = await fetch(`http://127.0.0.1:${options.directPort}/blobs/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  });
  return {
    master,
    worker,
    pids: [master.pid, worker],
    directUrl: (p) => `http://127.0.0.1:${options.directPort}/blobs/${p}`,
    accelBase: `http://127.0.0.1:${options.accelPort}`,
  };
}

export function nginxVersion(): string {
  const bin = nginxBinary();
  if (!bin) return "nginx (not installed yet)";
  // `nginx -v` prints to stderr.
  const r = spawnSync(bin, ["-v"], { encoding: "utf8" });
  return (r.stderr || r.stdout || "nginx").trim().replace(/^nginx version: /, "");
}
