# One image for every role of notary-gate (DESIGN.md "Two ways to run"):
# the gateway, the three workers and the CLI are all in dist/ — a deployment
# picks its role by command:
#   node dist/apps/gateway/src/main.js
#   node dist/apps/discovery/src/main.js
#   node dist/apps/signature-verifier/src/main.js
#   node dist/apps/attestation-evaluator/src/main.js
#   node dist/apps/cli/src/main.js serve …          (embedded, all four in one process)
#   node dist/apps/cli/src/main.js demo             (the offline demo, README)
# The default command serves the example policies (examples/policies, whose
# placeholder CA verifies nothing until you put yours): mount your policies and
# run `serve --policies <dir>` (deploy/kubernetes does).

# ---- build: compile TypeScript (tsc + tsc-alias, `npm run build`) ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY bench bench
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and the compiled output only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY examples ./examples
COPY LICENSE SECURITY.md ./
# 9443: the gateway's HTTPS webhook; 9090: every role's ops server (/healthz, /readyz, /metrics).
EXPOSE 9443 9090
USER node
CMD ["node", "dist/apps/cli/src/main.js", "serve", "--policies", "examples/policies", "--configmaps", "examples/configmaps"]
