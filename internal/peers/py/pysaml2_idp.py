"""pysaml2 7.x as an IdP minter, driven by internal/peers (Go).

Reads {"mints": [mint, ...]} on stdin and writes {"xml": ["<samlp:Response ...>", ...]}
on stdout, one response per mint; each mint has:
       key_pem, cert_pem, issuer, audience, destination, name_id, name_id_format,
       attributes {name: [values]}, lifetime_seconds, sign_assertion, sign_response,
       sha1, now ("YYYY-MM-DD hh:mm:ss" UTC), encrypt_cert_pem (optional),
       encrypt_algorithm ("" = pysaml2's tripledes-cbc, "aes256-cbc", "aes256-gcm", "tripledes-cbc")
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
    from html import escape

    entity_id, acs = escape(entity_id, quote=True), escape(acs, quote=True)
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">'
        '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        'Location="%s" index="0" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>" % (entity_id, acs)
    )


ENC_ALGS = {
    "aes256-cbc": ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", "aes-256"),
    "aes256-gcm": ("http://www.w3.org/2009/xmlenc11#aes256-gcm", "aes-256"),
    "tripledes-cbc": ("http://www.w3.org/2001/04/xmlenc#tripledes-cbc", "des-192"),
}


def set_encryption(name):
    """pysaml2 7.0.1 hard-codes 3DES-CBC (template msg_enc and xmlsec1 session key
    des-192) in Entity._encrypt_assertion; patch both defaults for the chosen algorithm."""
    import functools
    from saml2 import entity, sigver

    if not hasattr(sigver, "_peers_orig"):
        sigver._peers_orig = (sigver.pre_encryption_part, sigver.SecurityContext.encrypt_assertion)
    orig_pre, orig_enc = sigver._peers_orig
    if name == "":
        entity.pre_encryption_part = orig_pre
        sigver.SecurityContext.encrypt_assertion = orig_enc
        return
    if name not in ENC_ALGS:
        fail("unknown encrypt_algorithm %r" % name)
    uri, key_type = ENC_ALGS[name]
    entity.pre_encryption_part = functools.partial(orig_pre, msg_enc=uri)

    def encrypt_assertion(self, statement, enc_key, template, key_type_=None, node_xpath=None):
        return orig_enc(self, statement, enc_key, template, key_type=key_type, node_xpath=node_xpath)

    sigver.SecurityContext.encrypt_assertion = encrypt_assertion


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
    set_encryption(inp.get("encrypt_algorithm") or "")
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
