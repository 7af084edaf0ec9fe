"""OneLogin python3-saml 1.x (strict mode) as a SAML service provider, driven by internal/peers (Go).

Same input and output as pysaml2_sp.py. The IdP settings come from the metadata
(OneLogin_Saml2_IdPMetadataParser), every signing certificate included (x509certMulti).
The allowed clock drift is a class constant in python3-saml (300 s); it is set per case
from skew_seconds. Runs under faketime with FAKETIME_NO_CACHE=1.
"""
import os
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "onelogin_sp"


def settings_for(case):
    from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser as P
    from onelogin.saml2.settings import OneLogin_Saml2_Settings

    md = P.parse(case["idp_metadata"], required_sso_binding=C.BINDING_HTTP_REDIRECT)
    if "idp" not in md:
        md = P.parse(case["idp_metadata"], required_sso_binding=C.BINDING_HTTP_POST)
    idp = md["idp"]
    idp.setdefault("singleSignOnService", {"url": "https://idp.invalid/sso",
                                           "binding": C.BINDING_HTTP_REDIRECT})
    settings = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": case["audience"],
            "assertionConsumerService": {"url": case["acs_url"], "binding": C.BINDING_HTTP_POST},
            "NameIDFormat": C.NAMEID_UNSPECIFIED,
        },
        "idp": idp,
        "security": {
            "wantAssertionsSigned": bool(case.get("want_assertion_signed")),
            "wantMessagesSigned": bool(case.get("want_response_signed")),
            "wantNameId": True,
            "wantAttributeStatement": False,
        },
    }
    if case.get("sp_key_pem"):
        settings["sp"]["privateKey"] = case["sp_key_pem"]
        settings["sp"]["x509cert"] = common.pem_body(case["sp_cert_pem"])
    return OneLogin_Saml2_Settings(settings, sp_validation_only=True)


def request_data(case):
    u = urlsplit(case["acs_url"])
    return {
        "https": "on" if u.scheme == "https" else "off",
        "http_host": u.netloc,
        "script_name": u.path,
        "get_data": {},
        "post_data": {"SAMLResponse": case["saml_response"]},
    }


def verify(case):
    from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
    from onelogin.saml2.response import OneLogin_Saml2_Response

    try:
        settings = settings_for(case)
    except Exception as e:  # noqa: BLE001
        common.fail(PROG, "settings: " + common.harness_error(e))
    C.ALLOWED_CLOCK_DRIFT = int(case.get("skew_seconds") or 0)
    common.set_now(case["now"])
    try:
        resp = OneLogin_Saml2_Response(settings, case["saml_response"])
        resp.is_valid(request_data(case), request_id=case.get("request_id") or None,
                      raise_exceptions=True)
        out = {
            "accepted": True,
            "reason": "",
            "issuer": (resp.get_issuers() or [""])[0],
            "name_id": resp.get_nameid() or "",
            "attributes": {k: list(v) for k, v in resp.get_attributes().items()},
        }
    except Exception as e:  # noqa: BLE001
        return {"accepted": False, "reason": common.reason_of(e)}
    return out


def main():
    inp = common.read_input(PROG)
    common.write_output({"verdicts": [verify(c) for c in inp.get("cases") or []]})


if __name__ == "__main__":
    main()
