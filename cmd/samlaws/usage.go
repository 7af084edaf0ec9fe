package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/samlaws/samlaws/internal/textclip"
)

// usageError is a problem with the command line of any subcommand; it names
// the flag or argument at fault. Subcommands turn it into exit code 2.
type usageError struct {
	flag string // "--key"; empty when not about one flag
	msg  string
}

func (e *usageError) Error() string {
	if e.flag == "" {
		return e.msg
	}
	return e.flag + ": " + e.msg
}

// usagef builds a *usageError about flag ("" for none).
func usagef(flag, format string, a ...any) error {
	return &usageError{flag: flag, msg: fmt.Sprintf(format, a...)}
}

// flagError rewrites the flag package's message so that it names the flag with
// the double dash the commands document: "invalid value "x" for flag -role: ...",
// "flag needs an argument: -key", "flag provided but not defined: -x". Given
// the FlagSet, an unknown flag gets "did you mean --y?" when a defined flag
// is close to it.
func flagError(err error, fs ...*flag.FlagSet) string {
	msg := err.Error()
	if i := strings.Index(msg, " for flag -"); i >= 0 && strings.HasPrefix(msg, "invalid ") {
		name, detail, _ := strings.Cut(msg[i+len(" for flag -"):], ": ")
		return "--" + name + ": invalid value: " + detail
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "--" + strings.TrimPrefix(name, "-") + ": needs a value"
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimPrefix(name, "-")
		out := "--" + clip(name) + ": unknown flag"
		var known []string
		for _, f := range fs {
			f.VisitAll(func(fl *flag.Flag) { known = append(known, fl.Name) })
		}
		if s := suggest(name, known); len(s) > 0 {
			out += "; did you mean --" + strings.Join(s, " or --") + "?"
		}
		return out
	}
	return msg
}

// suggest returns the names among known closest to name (at most two
// edits, or name is a prefix of them, or they are a prefix of name), best
// first; nil when none is close.
func suggest(name string, known []string) []string {
	if len(name) > 64 {
		return nil
	}
	best, out := 3, []string(nil)
	for _, k := range known {
		d := editDistance(strings.ToLower(name), strings.ToLower(k))
		if d > 2 && len(name) >= 3 && (strings.HasPrefix(k, name) || strings.HasPrefix(name, k)) {
			d = 2
		}
		switch {
		case d < best:
			best, out = d, []string{k}
		case d == best && d <= 2:
			out = append(out, k)
		}
	}
	if best > 2 || (best == 2 && len(name) < 4) {
		return nil
	}
	if len(out) > 2 {
		out = out[:2]
	}
	return out
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// clip bounds a user-supplied value echoed in a message, without splitting
// a UTF-8 sequence.
func clip(s string) string {
	if len(s) > 60 {
		return textclip.Prefix(s, 60) + "..."
	}
	return s
}

// fileArg bounds a file name echoed in a message: whole up to 240 bytes,
// else its last 240 bytes (the end of a path names the file).
func fileArg(s string) string {
	if len(s) <= 240 {
		return s
	}
	i := len(s) - 240
	for i < len(s) && s[i]&0xC0 == 0x80 {
		i++
	}
	return "..." + s[i:]
}

// parseInterspersed is the CLI's one flag parser for commands with
// positional arguments: flags may come before, between or after them, as
// users type "check resp.xml --metadata md.xml"; "-" is positional (standard
// input) and everything after "--" is positional. It returns fs.Parse's error
// unchanged (flag.ErrHelp for -h), for the caller to report with flagError.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		left := fs.Args()
		consumed := len(rest) - len(left)
		if consumed > 0 && rest[consumed-1] == "--" {
			return append(pos, left...), nil
		}
		if len(left) == 0 {
			return pos, nil
		}
		pos = append(pos, left[0])
		rest = left[1:]
	}
}

// parseCertificates is the CLI's one certificate loader: every CERTIFICATE
// block of a PEM file (Entra's "Certificate (Base64)" download is one), in
// file order; other blocks are skipped.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse as X.509", len(certs)+1)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no CERTIFICATE block found")
	}
	return certs, nil
}

// isHelp reports whether arg asks for a command's help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// subcommand picks the subcommand of a command that has several (metadata,
// provider, roles), the same way for each: help (-h, -help, --help, help) goes
// to stdout with exit 0; a missing, flag-like or unknown subcommand is a usage
// error (exit 2) that names the subcommands, with "did you mean" when one is
// close, and the two-line form every other usage error has. ok is false when
// the caller should return code.
func subcommand(name string, args, subs []string, help string, stdout, stderr io.Writer) (sub string, code int, ok bool) {
	list := strings.Join(subs[:len(subs)-1], ", ") + " or " + subs[len(subs)-1]
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(stdout, strings.TrimRight(help, "\n")+"\n")
		return "", exitOK, false
	}
	var msg string
	switch {
	case len(args) == 0:
		msg = name + ": name a subcommand: " + list
	case strings.HasPrefix(args[0], "-"):
		msg = fmt.Sprintf("%s: %q: name a subcommand before flags: %s", name, clip(args[0]), list)
	case !slices.Contains(subs, args[0]):
		msg = fmt.Sprintf("%s: unknown subcommand %q", name, clip(args[0]))
		if s := suggest(args[0], subs); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		} else {
			msg += "; name one of " + list
		}
	default:
		return args[0], 0, true
	}
	fmt.Fprintf(stderr, "%s\nRun \"%s -h\" for usage.\n", msg, name)
	return "", exitUsage, false
}
