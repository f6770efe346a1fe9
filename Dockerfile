# Modelgate: one image for the web app (`app`) and the jobs worker (`worker`).
#
#   docker build -t modelgate .
#   docker compose up -d          # see docker-compose.yml
#
# The image holds the production Next build (admin panel, chat app), so the container starts
# straight into the server. Secrets are never baked in: PAYLOAD_SECRET, MODELGATE_ENCRYPTION_KEY
# and DATABASE_URL come from the environment at run time.
FROM node:20-bookworm-slim

ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false

WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so editing the sources does not reinstall them. Every native module
# (sharp, libsql, esbuild, swc) ships prebuilt for linux x64/arm64 glibc: no compiler needed.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .

# `next build --webpack` plus the stamp `npm start` checks. Needs no secret or database:
# scripts/build.ts supplies a placeholder PAYLOAD_SECRET that signs nothing.
# media/ and data/ are created here so the volumes mounted on them belong to the `node` user.
RUN npx tsx scripts/build.ts --force \
 && mkdir -p media data

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000

# What `npm start` ends in, minus its first-run steps: the image is already built and the secrets
# come from the environment, so no .env is written. tsx is started directly rather than through
# npx/npm, which exit on SIGTERM without passing it on: tsx hands SIGTERM to the server, which
# closes its connections before exiting. The V8 flag is npm start's (see the README).
CMD ["./node_modules/.bin/tsx", "--max-semi-space-size=64", "src/server.ts"]
