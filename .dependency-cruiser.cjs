// The layering of server/ (ARCHITECTURE.md "Layers"), checked on runtime imports: `import type`
// is erased before the check (tsPreCompilationDeps: false), as it is from the built server.
// Tests, contract suites and server/test/ may reach any layer and are left out.
const DOMAINS = "account|admin|audit|auth|changes|dav|drive|groups|mail|notify|scim|search|settings|share|teams|thumbnails|upload|webhooks";
const BELOW_DOMAINS = "errors|i18n|log|metrics|db|storage|http|security|jobs|events|tracing|images|redis";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-folder-cycle",
      severity: "error",
      comment: "Folders under server/ form layers: a folder never reaches itself through another folder.",
      scope: "folder",
      from: { path: "^server/" },
      to: { circular: true },
    },
    {
      name: "no-module-cycle",
      severity: "error",
      comment: "No module reaches itself (an import cycle makes load order decide what is undefined).",
      from: { path: "^(server|components|app)/" },
      to: { circular: true },
    },
    {
      name: "storage-stays-low",
      severity: "error",
      comment: "Storage never imports the database, a domain, the transport or the runtime.",
      from: { path: "^server/storage/" },
      to: { path: `^server/(db|trpc|runtime|${DOMAINS})/` },
    },
    {
      name: "infrastructure-below-domains",
      severity: "error",
      comment: "Infrastructure folders never import a domain, the tRPC transport or the runtime.",
      from: { path: `^server/(${BELOW_DOMAINS})/` },
      to: { path: `^server/(trpc|runtime|${DOMAINS})/` },
    },
    {
      name: "only-runtime-wires",
      severity: "error",
      comment: "server/runtime/ is the composition root: nothing in server/ imports it (app/ routes may).",
      from: { path: "^server/", pathNot: "^server/runtime/" },
      to: { path: "^server/runtime/" },
    },
    {
      name: "transport-knows-auth-only",
      severity: "error",
      comment: "server/trpc/ (context, procedures, error mapping) knows who calls, never a domain's rules.",
      from: { path: "^server/trpc/" },
      to: { path: `^server/(runtime|${DOMAINS.replace("auth|", "")})/` },
    },
    {
      name: "services-not-transport",
      severity: "error",
      comment: "A service never imports the transport: no tRPC, no router, no runtime.",
      from: { path: "\\.service\\.ts$" },
      to: { path: "^server/(trpc|runtime)/|\\.router\\.ts$" },
    },
    {
      name: "components-pure-server-only",
      severity: "error",
      comment: "Browser code imports from server/ only pure shared modules: messages, zod schemas, limits.",
      from: { path: "^components/" },
      to: {
        path: "^server/",
        pathNot: [
          "^server/i18n/",
          "\\.schemas\\.ts$",
          "^server/trpc/limits\\.ts$",
          "^server/upload/part-size\\.ts$",
          "^server/thumbnails/thumbnail-types\\.ts$",
          "^server/events/change-kinds\\.ts$",
        ],
      },
    },
  ],
  options: {
    includeOnly: "^(server|components|app)/",
    exclude: { path: "\\.test\\.tsx?$|\\.contract\\.ts$|^server/test/|^server/db/generated/" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
  },
};
