#!/usr/bin/env node
// Issues a development JWT (RS256) for the gateway. On first use it generates an RSA-2048 key pair in
// <DATA_DIR>/jwt/ (dev.key.pem 0600, dev.pub.pem); the gateway loads every <kid>.pub.pem found there, so
// the token's kid is "dev". Prints only the token on stdout.
//   node scripts/dev-jwt.mjs --sub 1                 a user token, valid 1 h
//   node scripts/dev-jwt.mjs --sub 0 --roles admin   an admin token
//   options: --ttl <seconds> (3600), --data-dir <dir> (DATA_DIR or ./data), --kid <name> (dev)
import { generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    sub: { type: "string", default: "1" },
    roles: { type: "string", default: "" },
    ttl: { type: "string", default: "3600" },
    kid: { type: "string", default: "dev" },
    "data-dir": { type: "string", default: process.env.DATA_DIR ?? "./data" },
  },
});
if (!/^[0-9]{1,16}$/.test(values.sub)) throw new Error("--sub must be a user id");
if (!/^[A-Za-z0-9_-]{1,40}$/.test(values.kid)) throw new Error("--kid must be [A-Za-z0-9_-]");
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) throw new Error("--ttl must be a positive number of seconds");

const dir = join(values["data-dir"], "jwt");
const keyFile = join(dir, `${values.kid}.key.pem`);
const pubFile = join(dir, `${values.kid}.pub.pem`);
if (!existsSync(keyFile)) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  writeFileSync(pubFile, publicKey, { mode: 0o644 });
  console.error(`generated ${keyFile} and ${pubFile} (restart the gateway to load the public key)`);
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const claims = { sub: values.sub, iat: now, exp: now + ttl };
if (values.roles) claims.roles = values.roles.split(",").filter(Boolean);
const input = `${b64({ alg: "RS256", typ: "JWT", kid: values.kid })}.${b64(claims)}`;
const signature = sign("sha256", Buffer.from(input), readFileSync(keyFile, "utf8")).toString("base64url");
console.log(`${input}.${signature}`);
