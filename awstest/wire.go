package awstest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// apiErr is an error answered on the wire in the query protocol's
// ErrorResponse shape.
type apiErr struct {
	status  int
	typ     string // Sender or Receiver
	code    string
	message string
}

func sender(status int, code, message string) *apiErr {
	return &apiErr{status, "Sender", code, message}
}

// validation is the ValidationError AWS answers for a parameter outside its
// model constraints ("1 validation error detected: ...").
func validation(msg string) *apiErr {
	return sender(400, "ValidationError", "1 validation error detected: "+msg)
}

// fail writes e as
//
//	<ErrorResponse xmlns="..."><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
//
// with the x-amzn-RequestId header, as IAM and STS do.
func (rq *request) fail(e apiErr) {
	ns := stsXMLNS
	if rq.service == "iam" {
		ns = iamXMLNS
	}
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse xmlns="` + ns + `">` + "\n  <Error>\n    <Type>")
	xmlText(&b, e.typ)
	b.WriteString("</Type>\n    <Code>")
	xmlText(&b, e.code)
	b.WriteString("</Code>\n    <Message>")
	xmlText(&b, e.message)
	b.WriteString("</Message>\n  </Error>\n  <RequestId>")
	xmlText(&b, rq.id)
	b.WriteString("</RequestId>\n</ErrorResponse>\n")
	rq.status, rq.code = e.status, e.code
	h := rq.w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", rq.id)
	rq.w.WriteHeader(e.status)
	_, _ = rq.w.Write(b.Bytes())
}

// ok writes a successful <ActionResponse><ActionResult>result</ActionResult>
// <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>.
func (rq *request) ok(result *xmlw) {
	ns := stsXMLNS
	if rq.service == "iam" {
		ns = iamXMLNS
	}
	var b bytes.Buffer
	b.WriteString("<" + rq.action + `Response xmlns="` + ns + `">` + "\n")
	if result != nil {
		b.WriteString("  <" + rq.action + "Result>")
		b.Write(result.b.Bytes())
		b.WriteString("</" + rq.action + "Result>\n")
	}
	b.WriteString("  <ResponseMetadata>\n    <RequestId>")
	xmlText(&b, rq.id)
	b.WriteString("</RequestId>\n  </ResponseMetadata>\n</" + rq.action + "Response>\n")
	rq.status = 200
	h := rq.w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", rq.id)
	rq.w.WriteHeader(200)
	_, _ = rq.w.Write(b.Bytes())
}

func xmlText(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

// xmlw builds a result body.
type xmlw struct{ b bytes.Buffer }

func (w *xmlw) open(name string)  { w.b.WriteString("<" + name + ">") }
func (w *xmlw) close(name string) { w.b.WriteString("</" + name + ">") }

// str writes <name>v</name>; empty values are left out, as AWS does for
// absent optional members.
func (w *xmlw) str(name, v string) {
	if v == "" {
		return
	}
	w.open(name)
	xmlText(&w.b, v)
	w.close(name)
}

func (w *xmlw) num(name string, v int) { w.str(name, strconv.Itoa(v)) }

func (w *xmlw) boolean(name string, v bool) { w.str(name, strconv.FormatBool(v)) }

// ts writes an ISO 8601 timestamp as IAM and STS do.
func (w *xmlw) ts(name string, t time.Time) {
	if t.IsZero() {
		return
	}
	w.str(name, t.UTC().Format("2006-01-02T15:04:05Z"))
}

func (w *xmlw) tags(name string, tags []tag) {
	w.open(name)
	for _, t := range tags {
		w.open("member")
		w.str("Key", t.Key)
		w.open("Value")
		xmlText(&w.b, t.Value)
		w.close("Value")
		w.close("member")
	}
	w.close(name)
}

// --- request parameters --------------------------------------------------

// param returns the single value of a parameter and whether it was sent.
func (rq *request) param(name string) (string, bool) {
	v, ok := rq.form[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// required returns a required parameter or the ValidationError AWS answers
// when it is missing ("Value null at 'x' failed to satisfy constraint").
func (rq *request) required(name string) (string, *apiErr) {
	v, ok := rq.param(name)
	if !ok {
		return "", validation("Value null at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must not be null")
	}
	return v, nil
}

// length checks a model length constraint in characters.
func length(name, v string, min, max int) *apiErr {
	n := len([]rune(v))
	if n < min {
		return validation("Value at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must have length greater than or equal to " + strconv.Itoa(min))
	}
	if max > 0 && n > max {
		return validation("Value at '" + lowerFirst(name) + "' failed to satisfy constraint: Member must have length less than or equal to " + strconv.Itoa(max))
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	// AWS writes member names in lower camel case: RoleArn -> roleArn,
	// SAMLAssertion -> sAMLAssertion.
	return strings.ToLower(s[:1]) + s[1:]
}

// members reads a query list "Name.member.N" (N from 1, contiguous).
func (rq *request) members(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := rq.param(name + ".member." + strconv.Itoa(i))
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// tagList reads "Tags.member.N.Key"/".Value".
func (rq *request) tagList(name string) ([]tag, bool) {
	var out []tag
	for i := 1; ; i++ {
		p := name + ".member." + strconv.Itoa(i)
		k, ok := rq.param(p + ".Key")
		v, okv := rq.param(p + ".Value")
		if !ok && !okv {
			return out, true
		}
		if !ok {
			return nil, false
		}
		out = append(out, tag{Key: k, Value: v})
	}
}

// --- authentication (SigV4) ----------------------------------------------

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// authenticate checks the request's AWS Signature Version 4 against the
// secret of its access key: long-term account keys, or temporary credentials
// this server issued (with their session token, not expired). The signing
// time is not compared with the server clock, which tests inject.
func (rq *request) authenticate() *apiErr {
	auth := rq.r.Header.Get("Authorization")
	if auth == "" {
		return sender(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	const alg = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, alg) {
		return sender(400, "IncompleteSignature", "Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
	}
	var cred, signed, sig string
	for _, part := range strings.Split(auth[len(alg):], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || signed == "" || sig == "" || scope[4] != "aws4_request" {
		return sender(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
	}
	rq.akid = scope[0]
	secret, token := "", ""
	rq.s.mu.Lock()
	if a, ok := rq.s.byKey[rq.akid]; ok {
		rq.acct, secret = a, a.SecretAccessKey
	} else if ss, ok := rq.s.sessions[rq.akid]; ok {
		rq.sess, rq.acct, secret, token = ss, ss.acct, ss.secret, ss.token
	}
	rq.s.mu.Unlock()
	if rq.acct == nil {
		return sender(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if token != "" && subtle.ConstantTimeCompare([]byte(rq.r.Header.Get("X-Amz-Security-Token")), []byte(token)) != 1 {
		rq.acct, rq.sess = nil, nil
		return sender(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if rq.sess != nil && !rq.s.now().Before(rq.sess.expires) {
		rq.acct, rq.sess = nil, nil
		return sender(403, "ExpiredToken", "The security token included in the request is expired")
	}
	amzDate := rq.r.Header.Get("X-Amz-Date")
	if amzDate == "" || !strings.HasPrefix(amzDate, scope[1]) {
		rq.acct, rq.sess = nil, nil
		return sender(400, "IncompleteSignature", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP")
	}
	want := rq.signature(secret, amzDate, scope[1:4], signed)
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		rq.acct, rq.sess = nil, nil
		return sender(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return nil
}

// signature computes the SigV4 signature of the request over the headers it
// names as signed.
func (rq *request) signature(secret, amzDate string, scope []string, signedHeaders string) string {
	r := rq.r
	var cr strings.Builder
	cr.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	cr.WriteString(path + "\n")
	cr.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range strings.Split(signedHeaders, ";") {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		default:
			v = strings.Join(r.Header.Values(http.CanonicalHeaderKey(h)), ",")
		}
		cr.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	cr.WriteString("\n" + signedHeaders + "\n")
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = rq.bodyHash
	}
	cr.WriteString(payload)
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(scope, "/") + "/aws4_request\n" + sha256Hex([]byte(cr.String()))
	k := hmacSHA256([]byte("AWS4"+secret), scope[0])
	k = hmacSHA256(k, scope[1])
	k = hmacSHA256(k, scope[2])
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, sts))
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, sigEscape(k)+"="+sigEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// sigEscape is SigV4's URI encoding: unreserved characters stay, everything
// else is %XX in upper case.
func sigEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return b.String()
}
