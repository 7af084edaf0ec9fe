"""Shared helpers for the internal/peers Python drivers (no third-party imports here)."""
import atexit
import json
import os
import shutil
import sys
import tempfile
import traceback


def fail(prog, msg):
    """Harness failure (not a verdict): message on stderr, exit status 2."""
    sys.stderr.write("%s: %s\n" % (prog, msg))
    sys.exit(2)


def read_input(prog):
    try:
        return json.load(sys.stdin)
    except Exception as e:  # noqa: BLE001
        fail(prog, "bad input JSON: %s" % e)


def set_now(now):
    """Sets the process clock (libfaketime, FAKETIME_NO_CACHE=1) to `now`
    ("YYYY-MM-DD hh:mm:ss", UTC) and freezes it there (an absolute FAKETIME without
    "@" does not advance), so a slow machine cannot move NotBefore past the
    verifier's "now". Child processes (xmlsec1) inherit it."""
    if "LD_PRELOAD" not in os.environ or "faketime" not in os.environ["LD_PRELOAD"]:
        raise RuntimeError("not running under faketime")
    os.environ["FAKETIME"] = now


class TempDir:
    def __init__(self, prefix):
        self.path = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, self.path, True)

    def write(self, name, data):
        p = os.path.join(self.path, name)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(p, mode) as f:
            f.write(data)
        return p


def reason_of(exc):
    """A one-line reason for a rejection: the exception type and message."""
    msg = str(exc).splitlines()[0] if str(exc) else ""
    return ("%s: %s" % (type(exc).__name__, msg))[:500]


def harness_error(exc):
    return "%s\n%s" % (reason_of(exc), traceback.format_exc()[-1500:])


def pem_body(pem):
    return "".join(l.strip() for l in pem.splitlines() if l.strip() and not l.startswith("-----"))


def write_output(obj):
    json.dump(obj, sys.stdout)
    sys.stdout.write("\n")
