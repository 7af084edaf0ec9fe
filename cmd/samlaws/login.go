package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/awsrole/samlcreds"
	"github.com/samlaws/samlaws/internal/awslimits"
)

const loginHelp = `usage: samlaws login --assertion FILE|- [--role ARN] [flags]
       samlaws credential-process --assertion FILE|- [--role ARN] [flags]

Turns a SAMLResponse (base64 as POSTed to signin.aws.amazon.com/saml, or its
XML) into AWS credentials with sts:AssumeRoleWithSAML (which needs no AWS
credentials). The role is the one the response offers, or, when it offers
several, the one named by --role (the choices are listed otherwise).

Output (--format):
  credential-process  the JSON the AWS CLI and SDKs read from a
                      credential_process (default of credential-process)
  env                 export AWS_ACCESS_KEY_ID=... lines for a shell (default of login)
  profile             write the credentials as profile --profile-name into
                      --profile-file (an AWS credentials file); another profile
                      of that name is only replaced with --overwrite, and every
                      other profile of the file is kept

Flags:
  --assertion FILE      the SAMLResponse; - reads standard input
  --role ARN            role to assume (its provider comes from the response)
  --duration DUR        session length, 15m to 12h; at most the role's
                        MaxSessionDuration (STS says so otherwise)
  --format F            credential-process, env or profile
  --profile-file FILE   credentials file for --format profile
  --profile-name NAME   profile name for --format profile
  --overwrite           replace an existing profile of that name
  --endpoint-url URL    STS endpoint (samlaws fake-aws, moto)
  --region REGION       STS region (default us-east-1)

Secrets are written only to stdout or the profile file, never to stderr.
Exit status: 0 credentials issued, 1 STS refused (its error and a hint on
stderr), 2 usage or unreadable input.

Examples:
  samlaws login --assertion response.b64 --role arn:aws:iam::123456789012:role/EntraAdmin
  samlaws login --assertion response.b64 --format profile --profile-file ~/.aws/credentials --profile-name entra
  # ~/.aws/config:  credential_process = samlaws credential-process --assertion /path/response.b64
`

func runLogin(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return login(ctx, "samlaws login", "env", args, stdin, stdout, stderr)
}

func runCredentialProcess(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return login(ctx, "samlaws credential-process", "credential-process", args, stdin, stdout, stderr)
}

func login(ctx context.Context, name, defFormat string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	assertion := fs.String("assertion", "", "")
	roleARN := fs.String("role", "", "")
	duration := fs.Duration("duration", 0, "")
	format := fs.String("format", defFormat, "")
	profileFile := fs.String("profile-file", "", "")
	profileName := fs.String("profile-name", "", "")
	overwrite := fs.Bool("overwrite", false, "")
	var af awsFlags
	fs.StringVar(&af.endpointURL, "endpoint-url", "", "")
	fs.StringVar(&af.region, "region", "us-east-1", "")
	if code, ok := parseFlags(fs, loginHelp, args, stdout, stderr); !ok {
		return code
	}
	if *assertion == "" {
		return fail(stderr, name, usagef("--assertion", "required: a file holding the SAMLResponse, or - for standard input"))
	}
	switch *format {
	case "credential-process", "env":
	case "profile":
		if *profileFile == "" || *profileName == "" {
			return fail(stderr, name, usagef("--format", "profile needs --profile-file and --profile-name"))
		}
		if strings.ContainsAny(*profileName, "[]\r\n") {
			return fail(stderr, name, usagef("--profile-name", "a profile name cannot hold brackets or line breaks"))
		}
	default:
		return fail(stderr, name, usagef("--format", "want credential-process, env or profile, got %q", clip(*format)))
	}
	secs := int(*duration / time.Second)
	if *duration != 0 && (*duration%time.Second != 0 || secs < 900 || secs > 43200) {
		return fail(stderr, name, usagef("--duration", "want whole seconds from 15m to 12h (A4.2)"))
	}
	data, err := readResponseInput(*assertion, stdin, awslimits.MaxAssertionChars*2)
	if err != nil {
		return fail(stderr, name, err)
	}
	x, enc, _, err := decodeResponseBytes(data)
	if err != nil {
		return fail(stderr, name, usagef("--assertion", "%s: %v", inputName(*assertion), err))
	}
	b64 := bytes.TrimSpace(normalizeFormValue(data))
	if enc == encodingXML {
		b64 = []byte(base64.StdEncoding.EncodeToString(x))
	}
	role, err := chooseRole(x, *roleARN)
	if err != nil {
		return fail(stderr, name, err)
	}
	cfg, err := af.load(ctx)
	if err != nil {
		return fail(stderr, name, err)
	}
	res, err := samlcreds.AssumeRoleWithSAML(ctx, sts.NewFromConfig(cfg), role, b64, samlcreds.Options{DurationSeconds: secs})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitRejected
	}
	c := res.Credentials
	exp := c.Expires.UTC().Format(time.RFC3339)
	switch *format {
	case "credential-process":
		b, err := samlcreds.CredentialProcessJSON(c)
		if err != nil {
			return fail(stderr, name, err)
		}
		_, _ = stdout.Write(b)
	case "env":
		fmt.Fprintf(stdout, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\n# expires %s; role %s\n",
			shellQuote(c.AccessKeyID), shellQuote(c.SecretAccessKey), shellQuote(c.SessionToken), exp, res.AssumedRoleARN)
	case "profile":
		section := map[string]string{"aws_access_key_id": c.AccessKeyID, "aws_secret_access_key": c.SecretAccessKey, "aws_session_token": c.SessionToken}
		if err := writeProfile(*profileFile, *profileName, section, *overwrite); err != nil {
			return fail(stderr, name, err)
		}
		fmt.Fprintf(stdout, "profile %s written to %s (%s, expires %s)\n", *profileName, *profileFile, res.AssumedRoleARN, exp)
	}
	return exitOK
}

// chooseRole returns the Role pair of the (unverified) response whose role
// is roleARN, or its only pair when roleARN is empty. STS verifies the
// response; this only picks the PrincipalArn that goes with the role.
func chooseRole(x []byte, roleARN string) (awsrole.Role, error) {
	root, err := decodeParseXML(x)
	if err != nil {
		return awsrole.Role{}, usagef("--assertion", "the response is not well-formed XML: %v", err)
	}
	var pairs []awsrole.Role
	var bad int
	var walk func(n *decodeNode)
	walk = func(n *decodeNode) {
		if n.name.Space == nsAssertion && n.name.Local == "Attribute" {
			if name, _ := n.attr("Name"); name == awsrole.AttrRole {
				for _, v := range n.all(nsAssertion, "AttributeValue") {
					if r, err := awsrole.ParseRole(v.value()); err == nil {
						pairs = append(pairs, r)
					} else {
						bad++
					}
				}
			}
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	if len(pairs) == 0 {
		if bad > 0 {
			return awsrole.Role{}, usagef("--assertion", "the response's Role values are not \"roleARN,providerARN\" pairs (A3.1); run samlaws check on it")
		}
		return awsrole.Role{}, usagef("--assertion", "the response has no Role attribute (A3.1), or it is encrypted; run samlaws decode on it")
	}
	if roleARN == "" {
		if len(pairs) == 1 {
			return pairs[0], nil
		}
		var list []string
		for _, p := range pairs {
			list = append(list, "  --role "+p.RoleARN.String())
		}
		return awsrole.Role{}, usagef("--role", "the response offers %d roles; choose one:\n%s", len(pairs), strings.Join(list, "\n"))
	}
	for _, p := range pairs {
		if p.RoleARN.String() == roleARN {
			return p, nil
		}
	}
	return awsrole.Role{}, usagef("--role", "the response does not offer %s; STS would refuse it (A3.2)", clip(roleARN))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeProfile sets section name of the INI file path to kv, keeping every
// other section and line as it was. An existing section of that name is
// replaced only when overwrite is set. The file is written to a temporary
// file beside it and renamed, mode 0600.
func writeProfile(path, name string, kv map[string]string, overwrite bool) error {
	// A credentials file that is a symbolic link (dotfile managers) is
	// written where it points, so that the link stays.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return usagef("--profile-file", "cannot read %q: %v", fileArg(path), pathlessError(err))
	}
	var out bytes.Buffer
	found, skipping := false, false
	sc := bufio.NewScanner(bytes.NewReader(old))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			skipping = false
			if strings.TrimSpace(t[1:len(t)-1]) == name {
				if !overwrite {
					return usagef("--profile-name", "%s already has a profile %q; choose another name or add --overwrite", fileArg(path), clip(name))
				}
				found, skipping = true, true
				writeSection(&out, name, kv)
				continue
			}
		}
		if !skipping {
			out.WriteString(line + "\n")
		}
	}
	if !found {
		if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n\n")) {
			out.WriteString("\n")
		}
		writeSection(&out, name, kv)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".samlaws-profile-*")
	if err != nil {
		return usagef("--profile-file", "cannot write in %q: %v", fileArg(dir), pathlessError(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out.Bytes()); err != nil {
		tmp.Close()
		return usagef("--profile-file", "cannot write %q: %v", fileArg(path), pathlessError(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return usagef("--profile-file", "cannot write %q: %v", fileArg(path), pathlessError(err))
	}
	if err := tmp.Close(); err != nil {
		return usagef("--profile-file", "cannot write %q: %v", fileArg(path), pathlessError(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return usagef("--profile-file", "cannot replace %q: %v", fileArg(path), pathlessError(err))
	}
	return nil
}

func writeSection(w *bytes.Buffer, name string, kv map[string]string) {
	fmt.Fprintf(w, "[%s]\n", name)
	for _, k := range []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token"} {
		fmt.Fprintf(w, "%s = %s\n", k, kv[k])
	}
}

const versionHelp = `usage: samlaws version

Prints the module version samlaws was built from and the Go version.

Example:
  samlaws version
`

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("samlaws version", flag.ContinueOnError)
	if code, ok := parseFlags(fs, versionHelp, args, stdout, stderr); !ok {
		return code
	}
	v, goV := "(devel)", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		goV = bi.GoVersion
	}
	fmt.Fprintf(stdout, "samlaws %s (%s)\n", v, goV)
	return exitOK
}
