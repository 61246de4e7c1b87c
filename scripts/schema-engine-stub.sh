#!/bin/sh
echo "schema-engine is not available offline: use scripts/migrate-tool.ts" >&2; exit 1
