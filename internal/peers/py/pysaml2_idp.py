"""pysaml2 7.x as an IdP minter, driven by internal/peers (Go).

Reads {"mints": [mint, ...]} on stdin and writes {"xml": ["<samlp:Response ...>", ...]}
on stdout, one response per mint; each mint has:
       key_pem, cert_pem, issuer, audience, destination, name_id, name_id_format,
       attributes {name: [values]}, lifetime_seconds, sign_assertion, sign_response,
       sha1, now ("YYYY-MM-DD hh:mm:ss" UTC), encrypt_cert_pem (optional)
"Now" is set with common.set_now right before minting (faketime, FAKETIME_NO_CACHE=1).
Exit status 2 with a message on stderr means the harness itself failed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROG = "pysaml2_idp"


def fail(msg):
    common.fail(PROG, msg)


def sp_metadata(entity_id, acs):
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="%s" index="0" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>" % (entity_id, acs)
    )


def mint(inp, tmp, i):
    from saml2 import BINDING_HTTP_POST, saml
    from saml2.config import IdPConfig
    from saml2.saml import NAME_FORMAT_URI, NameID
    from saml2.server import Server
    from saml2 import xmldsig

    def write(name, data):
        return tmp.write("%d-%s" % (i, name), data)

    key_file = write("key.pem", inp["key_pem"])
    cert_file = write("cert.pem", inp["cert_pem"])
    md_file = write("sp.xml", sp_metadata(inp["audience"], inp["destination"]))
    lifetime_min = max(1, int(inp.get("lifetime_seconds") or 300) // 60)
    conf = {
        "entityid": inp["issuer"],
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": key_file,
        "cert_file": cert_file,
        "metadata": {"local": [md_file]},
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [
                        (inp["issuer"].rstrip("/") + "/saml2", BINDING_HTTP_POST)
                    ]
                },
                "policy": {
                    "default": {
                        "lifetime": {"minutes": lifetime_min},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
                "name_id_format": [inp.get("name_id_format") or saml.NAMEID_FORMAT_PERSISTENT],
            }
        },
    }
    try:
        cfg = IdPConfig()
        cfg.load(conf)
        server = Server(config=cfg)
    except Exception as e:  # noqa: BLE001
        fail("config: " + common.harness_error(e))

    if inp.get("sha1"):
        sign_alg, digest_alg = xmldsig.SIG_RSA_SHA1, xmldsig.DIGEST_SHA1
    else:
        sign_alg, digest_alg = xmldsig.SIG_RSA_SHA256, xmldsig.DIGEST_SHA256

    name_id = NameID(
        format=inp.get("name_id_format") or saml.NAMEID_FORMAT_PERSISTENT,
        text=inp["name_id"],
    )
    identity = {k: list(v) for k, v in (inp.get("attributes") or {}).items()}
    kwargs = {}
    if inp.get("encrypt_cert_pem"):
        kwargs.update(encrypt_assertion=True,
                      encrypt_cert_assertion=common.pem_body(inp["encrypt_cert_pem"]),
                      encrypt_assertion_self_contained=True)
    try:
        common.set_now(inp["now"])
        resp = server.create_authn_response(
            identity,
            in_response_to=None,
            destination=inp["destination"],
            sp_entity_id=inp["audience"],
            name_id=name_id,
            authn={
                "class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
                "authn_auth": inp["issuer"],
            },
            sign_assertion=bool(inp.get("sign_assertion")),
            sign_response=bool(inp.get("sign_response")),
            sign_alg=sign_alg,
            digest_alg=digest_alg,
            **kwargs
        )
    except Exception as e:  # noqa: BLE001
        fail("create_authn_response: " + common.harness_error(e))
    return str(resp)


def main():
    inp = common.read_input(PROG)
    tmp = common.TempDir("peers-pysaml2-idp-")
    common.write_output({"xml": [mint(m, tmp, i) for i, m in enumerate(inp.get("mints") or [])]})


if __name__ == "__main__":
    main()
