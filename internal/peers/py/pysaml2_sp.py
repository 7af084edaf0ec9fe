"""pysaml2 7.x as a SAML service provider (verifier), driven by internal/peers (Go).

stdin:  {"cases": [case, ...]}; each case:
          saml_response (base64 form value), idp_metadata (XML), audience (SP entity ID),
          acs_url, request_id ("" = unsolicited allowed), skew_seconds, now ("YYYY-MM-DD hh:mm:ss" UTC),
          want_response_signed, want_assertion_signed (both false: either signature suffices),
          sp_key_pem, sp_cert_pem (optional: decryption of EncryptedAssertion)
stdout: {"verdicts": [{"accepted", "reason", "issuer", "name_id", "attributes"}, ...]}
A rejection is a verdict; exit status 2 means the harness itself failed (bad input, config error).
Runs under faketime with FAKETIME_NO_CACHE=1 so each case sets its own "now".
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "pysaml2_sp"


def build_client(case, tmp, i):
    from saml2 import BINDING_HTTP_POST
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    md = tmp.write("idp-%d.xml" % i, case["idp_metadata"])
    want_resp = bool(case.get("want_response_signed"))
    want_asrt = bool(case.get("want_assertion_signed"))
    conf = {
        "entityid": case["audience"],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "metadata": {"local": [md]},
        "accepted_time_diff": int(case.get("skew_seconds") or 0),
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(case["acs_url"], BINDING_HTTP_POST)]
                },
                "allow_unsolicited": not case.get("request_id"),
                "want_response_signed": want_resp,
                "want_assertions_signed": want_asrt,
                "want_assertions_or_response_signed": not (want_resp or want_asrt),
            }
        },
    }
    if case.get("sp_key_pem"):
        key = tmp.write("sp-key-%d.pem" % i, case["sp_key_pem"])
        cert = tmp.write("sp-cert-%d.pem" % i, case["sp_cert_pem"])
        conf["key_file"] = key
        conf["cert_file"] = cert
        conf["encryption_keypairs"] = [{"key_file": key, "cert_file": cert}]
    cfg = SPConfig()
    cfg.load(conf)
    return Saml2Client(config=cfg)


def verdict_from(resp):
    a = resp.assertion
    out = {"accepted": True, "reason": "", "issuer": "", "name_id": "", "attributes": {}}
    if a is None:
        return {"accepted": False, "reason": "pysaml2 returned a response without a usable assertion"}
    if a.issuer is not None and a.issuer.text:
        out["issuer"] = a.issuer.text.strip()
    if a.subject is not None and a.subject.name_id is not None:
        out["name_id"] = (a.subject.name_id.text or "").strip()
    for st in a.attribute_statement or []:
        for at in st.attribute or []:
            vals = out["attributes"].setdefault(at.name, [])
            for v in at.attribute_value or []:
                vals.append(v.text or "")
    return out


def verify(case, tmp, i):
    from saml2 import BINDING_HTTP_POST

    try:
        client = build_client(case, tmp, i)
    except Exception as e:  # noqa: BLE001
        common.fail(PROG, "config: " + common.harness_error(e))
    common.set_now(case["now"])
    outstanding = {case["request_id"]: "/"} if case.get("request_id") else {}
    try:
        # pysaml2 compares SubjectConfirmationData/@Recipient with the ACS URLs only
        # when conv_info is given (Response.verify_recipient returns True otherwise).
        # No "entity_id" key: the Recipient must be an ACS URL, not the SP entity ID.
        resp = client.parse_authn_request_response(
            case["saml_response"], BINDING_HTTP_POST, outstanding=outstanding,
            conv_info={"remote_addr": "0.0.0.0"},
        )
    except Exception as e:  # noqa: BLE001
        return {"accepted": False, "reason": common.reason_of(e)}
    if resp is None:
        return {"accepted": False, "reason": "pysaml2 returned no response (e.g. Destination not an ACS URL)"}
    return verdict_from(resp)


def main():
    inp = common.read_input(PROG)
    tmp = common.TempDir("peers-pysaml2-sp-")
    verdicts = [verify(c, tmp, i) for i, c in enumerate(inp.get("cases") or [])]
    common.write_output({"verdicts": verdicts})


if __name__ == "__main__":
    main()
