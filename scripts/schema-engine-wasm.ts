// Prisma's schema engine as wasm, over an in-memory PGlite: the native engine cannot be downloaded
// offline, so this is how migrations are diffed (see /work/shared/notes/prisma-offline.md §2).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type { SchemaEngine };

let wasmReady: Promise<void> | undefined;
let lastPanic: string | undefined;

// Node cannot `import "./x.wasm"` (what the package's entry does), so instantiate it by hand.
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    // The wasm calls global.PRISMA_WASM_PANIC_REGISTRY.set_message on a Rust panic.
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => (lastPanic = message),
    };
    const bgJs = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(bgJs.replace(/\.js$/, ".wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

// pglite-prisma-adapter 0.7.2 runs `client.exec(script)` without awaiting it, so a failing
// migration script would count as applied. Await it and map the error like its other methods.
function awaitScripts(adapter: SqlDriverAdapter, client: PGlite): SqlDriverAdapter {
  const a = adapter as SqlDriverAdapter & { onError(e: unknown): never };
  a.executeScript = async (script) => {
    try {
      await client.exec(script);
    } catch (e) {
      a.onError(e);
    }
  };
  return a;
}

export interface EngineHandle {
  engine: SchemaEngine;
  /** The in-memory PGlite the engine uses as main and shadow database. */
  pglite: PGlite;
}

/**
 * Runs fn with a schema engine over one in-memory PGlite (pg_trgm loaded) that serves as both
 * the main and the shadow database: diff only touches the shadow, and a second PGlite would cost
 * ~2 s and ~400 MB more. Frees the engine and closes PGlite afterwards, or the process hangs ~10 s.
 */
export async function withSchemaEngine<T>(
  schema: { path: string; content: string },
  fn: (h: EngineHandle) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const pglite = await PGlite.create("memory://schema-engine", { extensions: { pg_trgm } });
  const stock = new PrismaPGlite(pglite);
  // The stock shadow factory opens a PGlite without extensions, so pg_trgm migrations fail (P3006).
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: stock.adapterName,
    connect: async () => awaitScripts((await stock.connect()) as unknown as SqlDriverAdapter, pglite),
    connectToShadowDb: async () => {
      // A shadow must start empty; this one is the shared instance, so wipe it.
      await pglite.exec(`DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;`);
      return awaitScripts((await stock.connect()) as unknown as SqlDriverAdapter, pglite);
    },
  };
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine: SchemaEngine | undefined;
  try {
    engine = await bg.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, bound);
    return await fn({ engine, pglite });
  } catch (e) {
    // Engine errors arrive as Errors with a Prisma code (e.g. P3006); a panic only says "unreachable".
    throw lastPanic ? new Error(`schema engine panicked: ${lastPanic}`, { cause: e }) : e;
  } finally {
    engine?.free();
    await pglite.close();
  }
}
