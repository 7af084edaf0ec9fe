"use strict";
// Shared helpers for the internal/peers Node drivers.

const RealDate = Date;
let fakeNowMs = null;

// installClock replaces the global Date so that `new Date()` and `Date.now()` return the
// fixed "now" set with setNow (node-saml and npm saml both read the clock that way).
function installClock() {
  class FakeDate extends RealDate {
    constructor(...args) {
      if (args.length === 0 && fakeNowMs !== null) {
        super(fakeNowMs);
      } else {
        super(...args);
      }
    }
    static now() {
      return fakeNowMs !== null ? fakeNowMs : RealDate.now();
    }
  }
  global.Date = FakeDate;
}

function setNow(iso) {
  const ms = RealDate.parse(iso);
  if (Number.isNaN(ms)) throw new Error("bad now: " + iso);
  fakeNowMs = ms;
}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

// fail reports a harness failure (not a verdict): exit status 2.
function fail(prog, msg) {
  process.stderr.write(prog + ": " + msg + "\n");
  process.exit(2);
}

function reasonOf(err) {
  const msg = (err && err.message ? err.message : String(err)).split("\n")[0];
  return ((err && err.name ? err.name + ": " : "") + msg).slice(0, 500);
}

module.exports = { installClock, setNow, readStdin, fail, reasonOf };
