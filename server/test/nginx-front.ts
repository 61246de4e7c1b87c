import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@/server/test/server-process";

/** Debian's nginx, when installed (the test command installs nginx-light). */
export const NGINX = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find((p) => existsSync(p));

export interface NginxFront {
  url: string;
  stop(): void;
}

/**
 * A throwaway nginx on a free loopback port, its files under `dir`. `http` is what goes inside
 * the http block (upstreams, servers: it is given the port to listen on). Resolves once
 * /api/health answers through it.
 */
export async function startNginxFront(dir: string, http: (port: number) => string): Promise<NginxFront> {
  if (!NGINX) throw new Error("nginx is not installed");
  const port = await freePort();
  await mkdir(path.join(dir, "logs"), { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  const errorLog = path.join(dir, "logs/error.log");
  await writeFile(
    conf,
    `${process.getuid?.() === 0 ? "user root;" : ""}
daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${errorLog} warn;
events { worker_connections 64; }
http {
  access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
${http(port)}
}
`,
  );
  // Its own process group, killed whole: a SIGKILL to the master alone leaves its worker and cache
  // manager running, orphaned, after the test.
  const child = spawn(NGINX, ["-p", dir, "-c", conf, "-e", errorLog], { stdio: "ignore", detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const front = { url: `http://127.0.0.1:${port}`, stop };
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${front.url}/api/health`).then((r) => r.ok, () => false)) return front;
    await new Promise((r) => setTimeout(r, 50));
  }
  front.stop();
  throw new Error("nginx did not start");
}
