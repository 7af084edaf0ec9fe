"use strict";
// npm "saml" 4.x (auth0) as an assertion minter, driven by internal/peers (Go).
// It only makes (signed, optionally encrypted) Assertions; this driver wraps the assertion
// in an unsigned samlp:Response with Destination and a Success status, as an IdP would send it.
// stdin:  {key_pem, cert_pem, issuer, audience, destination, name_id, name_id_format,
//          attributes {name: [values]}, lifetime_seconds, sha1, session_index, now (RFC 3339),
//          encrypt_cert_pem, encrypt_algorithm (optional)}
// stdout: {"xml": "<samlp:Response ...>"}; exit status 2 on failure.
const crypto = require("crypto");
const saml20 = require("saml").Saml20;
const common = require("./common");

const PROG = "npm saml mint";

function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function create(opts) {
  return new Promise((resolve, reject) => {
    if (!opts.encryptionCert) {
      try {
        resolve(saml20.create(opts));
      } catch (e) {
        reject(e);
      }
      return;
    }
    saml20.create(opts, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

async function main() {
  common.installClock();
  let c;
  try {
    c = JSON.parse(await common.readStdin());
  } catch (e) {
    common.fail(PROG, "bad input JSON: " + e.message);
  }
  common.setNow(c.now);
  const opts = {
    key: c.key_pem,
    cert: c.cert_pem,
    issuer: c.issuer,
    lifetimeInSeconds: c.lifetime_seconds || 300,
    audiences: c.audience,
    recipient: c.destination,
    attributes: c.attributes || {},
    nameIdentifier: c.name_id,
    nameIdentifierFormat: c.name_id_format || undefined,
    sessionIndex: c.session_index || undefined,
    authnContextClassRef: "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    signatureAlgorithm: c.sha1 ? "rsa-sha1" : "rsa-sha256",
    digestAlgorithm: c.sha1 ? "sha1" : "sha256",
  };
  if (c.encrypt_cert_pem) {
    opts.encryptionCert = c.encrypt_cert_pem;
    opts.encryptionPublicKey = crypto.createPublicKey(c.encrypt_cert_pem).export({ type: "spki", format: "pem" });
    const algs = {
      "": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
      "aes256-cbc": "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
      "aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm",
      "tripledes-cbc": "http://www.w3.org/2001/04/xmlenc#tripledes-cbc",
    };
    opts.encryptionAlgorithm = algs[c.encrypt_algorithm || ""];
    if (!opts.encryptionAlgorithm) common.fail(PROG, "unknown encrypt_algorithm " + c.encrypt_algorithm);
    opts.keyEncryptionAlgorithm = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    opts.disallowEncryptionWithInsecureAlgorithm = false;
    opts.warnOnInsecureEncryptionAlgorithm = false;
  }
  let assertion;
  try {
    assertion = await create(opts);
  } catch (e) {
    common.fail(PROG, "saml.create: " + common.reasonOf(e));
  }
  assertion = String(assertion).replace(/^<\?xml[^>]*\?>\s*/, "");
  const now = new Date().toISOString();
  const id = "_" + crypto.randomBytes(16).toString("hex");
  const xml =
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="' + id +
    '" Version="2.0" IssueInstant="' + now + '" Destination="' + esc(c.destination) + '">' +
    '<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">' + esc(c.issuer) + "</saml:Issuer>" +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
    assertion + "</samlp:Response>";
  process.stdout.write(JSON.stringify({ xml }) + "\n");
}

main().catch((e) => common.fail(PROG, common.reasonOf(e)));
