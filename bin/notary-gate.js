#!/usr/bin/env node
// Entry point for `npx notary-gate` after `npm run build`.
require('../dist/apps/cli/src/main.js');
