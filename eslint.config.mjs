import tseslint from "typescript-eslint";

const noDatabase = {
  patterns: [
    { group: ["@/server/db/client", "@/server/db/generated/*", "@prisma/client", "@prisma/*", "pg", "@electric-sql/*"], message: "Only services in server/ talk to the database." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".next-*/", "dist/", "server/db/generated/", "test-results/", "data/", "next-env.d.ts"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  // Pages, components and routers stay thin: rules and data access live in services.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "server/**/*.router.ts", "server/trpc/**/*.ts"],
    rules: { "no-restricted-imports": ["error", noDatabase] },
  },
);
