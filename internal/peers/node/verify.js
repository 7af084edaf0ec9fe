"use strict";
// @node-saml/node-saml 5.x as a SAML service provider (verifier), driven by internal/peers (Go).
// stdin:  {"cases": [case, ...]} with the same fields as py/pysaml2_sp.py (now as RFC 3339).
// stdout: {"verdicts": [{accepted, reason, issuer, name_id, attributes}, ...]}
// Exit status 2 means the harness itself failed; a rejection is a verdict.
const { DOMParser } = require("@xmldom/xmldom");
const xpath = require("xpath");
const { SAML } = require("@node-saml/node-saml");
const common = require("./common");

const PROG = "node-saml verify";
const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";

// idpFromMetadata returns the entityID and the IDPSSODescriptor signing certificates.
function idpFromMetadata(xml) {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const select = xpath.useNamespaces({ md: MD, ds: DS });
  const ed = select("//md:EntityDescriptor[md:IDPSSODescriptor]", doc)[0];
  if (!ed) throw new Error("no EntityDescriptor with an IDPSSODescriptor");
  const certs = select(
    "md:IDPSSODescriptor/md:KeyDescriptor[not(@use) or @use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate",
    ed
  ).map((n) => {
    const b64 = n.textContent.replace(/\s+/g, "");
    return "-----BEGIN CERTIFICATE-----\n" + b64.match(/.{1,64}/g).join("\n") + "\n-----END CERTIFICATE-----\n";
  });
  if (certs.length === 0) throw new Error("no signing certificate in IdP metadata");
  return { entityID: ed.getAttribute("entityID"), certs };
}

function asList(v) {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
}

async function verify(c) {
  let saml;
  try {
    const idp = idpFromMetadata(c.idp_metadata);
    const opts = {
      callbackUrl: c.acs_url,
      issuer: c.audience,
      audience: c.audience,
      idpCert: idp.certs,
      idpIssuer: idp.entityID,
      wantAuthnResponseSigned: !!c.want_response_signed,
      wantAssertionsSigned: !!c.want_assertion_signed,
      acceptedClockSkewMs: (c.skew_seconds || 0) * 1000,
      validateInResponseTo: c.request_id ? "always" : "never",
    };
    if (c.sp_key_pem) opts.decryptionPvk = c.sp_key_pem;
    saml = new SAML(opts);
    common.setNow(c.now);
    if (c.request_id) await saml.cacheProvider.saveAsync(c.request_id, new Date().toISOString());
  } catch (e) {
    common.fail(PROG, "config: " + common.reasonOf(e));
  }
  try {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: c.saml_response });
    if (!profile) return { accepted: false, reason: "no profile (logout or NoPassive response)" };
    const attrs = {};
    for (const [k, v] of Object.entries(profile.attributes || {})) attrs[k] = asList(v);
    return {
      accepted: true,
      reason: "",
      issuer: profile.issuer || "",
      name_id: profile.nameID || "",
      attributes: attrs,
    };
  } catch (e) {
    return { accepted: false, reason: common.reasonOf(e) };
  }
}

async function main() {
  common.installClock();
  let inp;
  try {
    inp = JSON.parse(await common.readStdin());
  } catch (e) {
    common.fail(PROG, "bad input JSON: " + e.message);
  }
  const verdicts = [];
  for (const c of inp.cases || []) verdicts.push(await verify(c));
  process.stdout.write(JSON.stringify({ verdicts }) + "\n");
}

main().catch((e) => common.fail(PROG, common.reasonOf(e)));
