package awstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/textclip"
)

// Config configures a Server. The zero value is one account
// (123456789012) in us-east-1 on a random loopback port, with the wall
// clock and crypto/rand.
type Config struct {
	// Accounts are the accounts the server holds; requests are told apart by
	// the caller's access key. Default: one account, 123456789012.
	Accounts []Account
	// Region is the region aws.Config names and the one SigV4 signatures
	// must be scoped to for STS. Default: us-east-1.
	Region string
	// Addr is the address to listen on; only loopback addresses are allowed
	// ("127.0.0.1:0", "[::1]:8080", "localhost:9000"). Default: "127.0.0.1:0".
	Addr string
	// Now is the server's clock: assertion validity, credential expiry,
	// CreateDate. Default: time.Now.
	Now func() time.Time
	// Rand is the source of request IDs, provider UUIDs and credentials.
	// Default: crypto/rand.Reader.
	Rand io.Reader
}

// Account is one AWS account of the server.
type Account struct {
	// ID is the 12-digit account ID.
	ID string
	// Alias is what ListAccountAliases answers; "" means none.
	Alias string
	// AccessKeyID and SecretAccessKey are the account's long-term keys
	// (the root user's, for GetCallerIdentity). Default: derived from ID
	// ("AKIAAWST" + ID and "awstest/" + ID + "/secret"), so that they are
	// stable across runs; the server is loopback only.
	AccessKeyID, SecretAccessKey string
}

var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// Server is an in-process IAM and STS on a loopback HTTP listener, speaking
// the AWS query protocol that the aws-sdk-go-v2 iam and sts clients (and the
// AWS CLI, boto3) use. Create it with NewServer;
// it is safe for concurrent use.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT", to use as BaseEndpoint
	// (AWSConfig sets it) or --endpoint-url.
	URL string

	region string
	now    func() time.Time
	rand   io.Reader
	ln     net.Listener
	srv    *http.Server

	mu       sync.Mutex
	accounts []*account
	byKey    map[string]*account // long-term access key -> account
	sessions map[string]*session // temporary access key -> session
	calls    []Call
	faults   []*faultState
	closed   bool
}

// NewServer starts a Server on a loopback listener, in tests and in
// programs (samlaws fake-aws) alike; the caller must Close it (in a test:
// t.Cleanup(func() { srv.Close() })). A bad Config is an *awsrole.Error of
// Package "awstest" and Kind ErrConfig.
func NewServer(cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, newErr(ErrConfig, "listening on "+addr+" failed", err)
	}
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// defaultAccountID is the account a zero Config creates.
const defaultAccountID = "123456789012"

func newServer(cfg Config) (*Server, error) {
	s := &Server{
		region:   cfg.Region,
		now:      cfg.Now,
		rand:     cfg.Rand,
		byKey:    map[string]*account{},
		sessions: map[string]*session{},
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	accts := cfg.Accounts
	if len(accts) == 0 {
		accts = []Account{{ID: defaultAccountID}}
	}
	seen := map[string]bool{}
	for _, a := range accts {
		if !accountIDRE.MatchString(a.ID) {
			return nil, newErr(ErrConfig, fmt.Sprintf("account ID %q is not 12 digits", clip(a.ID, 40)), nil)
		}
		if seen[a.ID] {
			return nil, newErr(ErrConfig, "account "+a.ID+" is listed twice", nil)
		}
		seen[a.ID] = true
		if a.AccessKeyID == "" {
			a.AccessKeyID = "AKIAAWST" + a.ID
		}
		if a.SecretAccessKey == "" {
			a.SecretAccessKey = "awstest/" + a.ID + "/secret"
		}
		if _, dup := s.byKey[a.AccessKeyID]; dup {
			return nil, newErr(ErrConfig, "two accounts share an access key ID", nil)
		}
		acct := &account{Account: a, providers: map[string]*provider{}, roles: map[string]*role{}}
		s.accounts = append(s.accounts, acct)
		s.byKey[a.AccessKeyID] = acct
	}
	return s, nil
}

// checkLoopback refuses any listen address that is not loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return newErr(ErrConfig, "listen address "+clip(addr, 80)+" is not host:port", err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return newErr(ErrConfig, "listen address "+clip(addr, 80)+" is not loopback; awstest listens on 127.0.0.0/8 or ::1 only", nil)
	}
	return nil
}

// Close stops the listener and waits for running requests.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// AWSConfig returns an aws.Config for the account accountID ("" = the first
// account): BaseEndpoint the server's URL, Region, and the account's static
// credentials, and HTTPClient(nil) as the HTTP client (see there why).
// iam.NewFromConfig and sts.NewFromConfig work with it unchanged.
// An unknown account gives a Config whose credentials the server refuses
// (InvalidClientTokenId).
func (s *Server) AWSConfig(accountID string) aws.Config {
	akid, secret := "AKIAUNKNOWNACCOUNT00", "unknown"
	if a := s.account(accountID); a != nil {
		akid, secret = a.AccessKeyID, a.SecretAccessKey
	}
	return aws.Config{
		Region:       s.region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(akid, secret, ""),
		HTTPClient:   HTTPClient(nil),
	}
}

// Account returns the account's settings with its credentials filled in,
// and false when there is no such account ("" = the first).
func (s *Server) Account(accountID string) (Account, bool) {
	if a := s.account(accountID); a != nil {
		return a.Account, true
	}
	return Account{}, false
}

func (s *Server) account(id string) *account {
	for _, a := range s.accounts {
		if id == "" || a.ID == id {
			return a
		}
	}
	return nil
}

// randString returns n characters of alphabet drawn from the server's Rand,
// or "" when Rand fails.
func (s *Server) randString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		// A failing Rand must not yield predictable credentials; the
		// caller answers ServiceFailure when the string is empty.
		return ""
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	base62     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// requestID returns a random UUID-shaped request ID.
func (s *Server) requestID() string {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "00000000-0000-4000-8000-000000000000"
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// maxBody bounds a request body: IAM's largest parameter is a 10,000,000
// character metadata document (B1.1), URL-encoded up to 3 bytes per byte.
const maxBody = 32 << 20

// ServeHTTP serves the IAM and STS query protocols. The server is an
// http.Handler so that tests can also call it in-process (for example inside
// a testing/synctest bubble, where real sockets would stall the fake clock).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rq := &request{s: s, w: w, r: r, id: s.requestID()}
	defer rq.record()
	defer func() {
		if v := recover(); v != nil {
			// Never a Go panic or error text on the wire (issue 10).
			rq.fail(apiErr{500, "Receiver", "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."})
		}
	}()
	if err := rq.parse(); err != nil {
		rq.fail(*err)
		return
	}
	if f := s.takeFault(rq.action); f != nil {
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Code != "" {
			status := f.Status
			if status == 0 {
				status = 400
			}
			typ := "Sender"
			if status >= 500 {
				typ = "Receiver"
			}
			rq.fail(apiErr{status, typ, f.Code, f.Message})
			return
		}
	}
	switch rq.service {
	case "iam":
		s.serveIAM(rq)
	case "sts":
		s.serveSTS(rq)
	}
}

// request is one call in flight.
type request struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	id      string
	form    url.Values
	action  string
	service string // "iam" or "sts"
	acct    *account
	sess    *session
	akid    string
	status  int
	code    string
	// bodyHash is the hex SHA-256 of the body, for SigV4.
	bodyHash string
}

// Versions of the two query APIs.
const (
	iamVersion = "2010-05-08"
	stsVersion = "2011-06-15"
	iamXMLNS   = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsXMLNS   = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// parse reads the form and routes by Version (IAM and STS share the
// endpoint, as with BaseEndpoint both clients send to one URL).
func (rq *request) parse() *apiErr {
	r := rq.r
	switch r.Method {
	case http.MethodPost, http.MethodGet:
	default:
		return &apiErr{405, "Sender", "InvalidAction", "Only POST and GET requests are supported."}
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return &apiErr{400, "Sender", "MalformedQueryString", "The request body could not be read."}
		}
		if len(body) > maxBody {
			return &apiErr{413, "Sender", "RequestEntityTooLarge", "Request body is too large."}
		}
		rq.bodyHash = sha256Hex(body)
		if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			return &apiErr{400, "Sender", "InvalidAction", "Content-Type must be application/x-www-form-urlencoded for the query protocol."}
		}
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return &apiErr{400, "Sender", "MalformedQueryString", "The request body is not a valid URL-encoded form."}
		}
		for k, v := range f {
			q[k] = append(q[k], v...)
		}
	} else {
		rq.bodyHash = sha256Hex(nil)
	}
	rq.form = q
	rq.action = q.Get("Action")
	version := q.Get("Version")
	if rq.action == "" {
		return &apiErr{400, "Sender", "MissingAction", "Missing Action"}
	}
	switch version {
	case iamVersion:
		rq.service = "iam"
	case stsVersion:
		rq.service = "sts"
	case "":
		return &apiErr{400, "Sender", "MissingParameter", "The request must contain the parameter Version."}
	default:
		return &apiErr{400, "Sender", "InvalidAction", "Could not find operation " + clip(rq.action, 64) + " for version " + clip(version, 32)}
	}
	if rq.service == "sts" && (rq.action == "AssumeRoleWithSAML") {
		return nil // unsigned (B4.1)
	}
	return rq.authenticate()
}

func (rq *request) record() {
	c := Call{Service: rq.service, Action: rq.action, AccessKeyID: rq.akid, Status: rq.status, Code: rq.code, RequestID: rq.id, Time: rq.s.now()}
	if rq.acct != nil {
		c.AccountID = rq.acct.ID
	}
	rq.s.mu.Lock()
	if len(rq.s.calls) >= maxCalls {
		// A long-running fake-aws keeps the most recent calls only.
		rq.s.calls = append(rq.s.calls[:0], rq.s.calls[maxCalls/2:]...)
	}
	rq.s.calls = append(rq.s.calls, c)
	rq.s.mu.Unlock()
}

// Call is one request the server answered.
type Call struct {
	// Service is "iam" or "sts" ("" when the request named no known
	// Version).
	Service string
	// Action is the Action parameter.
	Action string
	// AccountID is the account the caller's credentials belong to ("" for
	// unsigned or refused calls).
	AccountID string
	// AccessKeyID is the caller's access key ID, "" when unsigned.
	AccessKeyID string
	// Status is the HTTP status answered; Code the error code, "" on success.
	Status int
	Code   string
	// RequestID is the request ID answered.
	RequestID string
	// Time is the server clock when the call arrived.
	Time time.Time
}

// maxCalls bounds the call record: beyond it the older half is dropped.
const maxCalls = 100000

// Calls returns the calls received so far, in order (the most recent
// 50,000 to 100,000 once more than 100,000 have been made).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Fault makes the server misbehave for matching requests; see InjectFault.
type Fault struct {
	// Action is the operation it applies to ("AssumeRoleWithSAML",
	// "CreateSAMLProvider", ...); "" means every operation.
	Action string
	// Latency delays the answer (wall clock); the request's cancellation
	// ends the wait.
	Latency time.Duration
	// Code, when set, is answered as an error instead of running the
	// operation: "Throttling" (which the SDK retries), "ServiceFailure",
	// "ServiceUnavailable", or any other code.
	Code string
	// Message is the error message.
	Message string
	// Status is the HTTP status of the error. Default: 400, or 500 for
	// ServiceFailure/InternalFailure, 503 for ServiceUnavailable.
	Status int
	// Times is how many matching requests the fault affects; 0 means 1, a
	// negative value means every request until the fault is removed (the
	// function InjectFault returns).
	Times int
}

type faultState struct {
	Fault
	left int
}

// InjectFault adds f; faults are matched in the order added. remove takes f
// out again (a no-op once it has fired Times times); a fault with a negative
// Times lasts until removed.
func (s *Server) InjectFault(f Fault) (remove func()) {
	if f.Status == 0 {
		switch f.Code {
		case "ServiceFailure", "InternalFailure":
			f.Status = 500
		case "ServiceUnavailable":
			f.Status = 503
		}
	}
	if f.Code == "Throttling" && f.Message == "" {
		f.Message = "Rate exceeded"
	}
	left := f.Times
	if left == 0 {
		left = 1
	}
	fs := &faultState{Fault: f, left: left}
	s.mu.Lock()
	s.faults = append(s.faults, fs)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, g := range s.faults {
			if g == fs {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
				return
			}
		}
	}
}

func (s *Server) takeFault(action string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Action != "" && f.Action != action {
			continue
		}
		out := f.Fault
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// Errors of this package's own API (NewServer): an *awsrole.Error of Package
// "awstest" whose Kind is one of these. What the server answers on the wire
// is an AWS error response, not one of these.
var (
	// ErrConfig: a Config is invalid (bad account ID, non-loopback address,
	// a listener that cannot start).
	ErrConfig = errors.New("awstest: invalid configuration")
)

func newErr(kind error, reason string, cause error) *awsrole.Error {
	return &awsrole.Error{Kind: kind, Reason: reason, Err: cause, Package: "awstest", Index: -1}
}

// clip bounds a value echoed in a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return textclip.Prefix(s, n) + "..."
}
