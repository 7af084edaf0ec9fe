package awstest

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/federation"
	"github.com/samlaws/samlaws/internal/awslimits"
	"github.com/samlaws/samlaws/internal/mdlimit"
	"github.com/samlaws/samlaws/metadata"
	"github.com/samlaws/samlaws/saml"
)

// IAM quotas and limits the server enforces (B1.1, B1.3, B1.7, B1.8, B2.3-B2.5, A5.7, A5.8).
const (
	maxProvidersPerAccount = 100
	maxTags                = 50
	maxPrivateKeys         = 2
	maxPrivateKeyChars     = 16384
	maxRoleSessionDefault  = 3600
)

type tag struct{ Key, Value string }

type account struct {
	Account
	providers map[string]*provider // by name (case-sensitive)
	roles     map[string]*role     // by lower-case name (IAM role names are unique ignoring case, B2.3)
}

type provider struct {
	name, arn, uuid string
	metadata        string
	created         time.Time
	validUntil      time.Time
	tags            []tag
	encMode         string // "" (not set), "Allowed" or "Required"
	keys            []privateKey
	verifier        *idpVerifiers
	entities        []*metadata.EntityDescriptor // one, or an aggregate's (B1.8)
}

type privateKey struct {
	id      string
	created time.Time
	key     *rsa.PrivateKey
}

type role struct {
	name, path, arn, id string
	policy              string // as written
	trust               *federation.TrustPolicy
	created             time.Time
	description         string
	maxSession          int
	tags                []tag
}

// Provider is a snapshot of an IAM SAML provider the server holds.
type Provider struct {
	ARN, UUID      string
	Metadata       string
	CreateDate     time.Time
	ValidUntil     time.Time
	Tags           map[string]string
	EncryptionMode string
	PrivateKeyIDs  []string
}

// Role is a snapshot of an IAM role the server holds.
type Role struct {
	ARN, RoleID        string
	Path               string
	TrustPolicy        string
	Description        string
	MaxSessionDuration int
	CreateDate         time.Time
	Tags               map[string]string
}

// Providers returns the SAML providers of an account ("" = the first), by
// ARN.
func (s *Server) Providers(accountID string) []Provider {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(accountID)
	if a == nil {
		return nil
	}
	var out []Provider
	for _, p := range a.sortedProviders() {
		q := Provider{ARN: p.arn, UUID: p.uuid, Metadata: p.metadata, CreateDate: p.created, ValidUntil: p.validUntil,
			Tags: tagMap(p.tags), EncryptionMode: p.encMode}
		for _, k := range p.keys {
			q.PrivateKeyIDs = append(q.PrivateKeyIDs, k.id)
		}
		out = append(out, q)
	}
	return out
}

// Roles returns the roles of an account ("" = the first), by name.
func (s *Server) Roles(accountID string) []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(accountID)
	if a == nil {
		return nil
	}
	var out []Role
	for _, r := range a.sortedRoles() {
		out = append(out, Role{ARN: r.arn, RoleID: r.id, Path: r.path, TrustPolicy: r.policy, Description: r.description,
			MaxSessionDuration: r.maxSession, CreateDate: r.created, Tags: tagMap(r.tags)})
	}
	return out
}

func tagMap(ts []tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[t.Key] = t.Value
	}
	return m
}

func (a *account) sortedProviders() []*provider {
	ps := make([]*provider, 0, len(a.providers))
	for _, p := range a.providers {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].arn < ps[j].arn })
	return ps
}

func (a *account) sortedRoles() []*role {
	rs := make([]*role, 0, len(a.roles))
	for _, r := range a.roles {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].path+rs[i].name < rs[j].path+rs[j].name })
	return rs
}

func (s *Server) serveIAM(rq *request) {
	var res *xmlw
	var err *apiErr
	s.mu.Lock()
	switch rq.action {
	case "CreateSAMLProvider":
		res, err = s.createSAMLProvider(rq)
	case "UpdateSAMLProvider":
		res, err = s.updateSAMLProvider(rq)
	case "GetSAMLProvider":
		res, err = s.getSAMLProvider(rq)
	case "ListSAMLProviders":
		res, err = s.listSAMLProviders(rq)
	case "DeleteSAMLProvider":
		res, err = s.deleteSAMLProvider(rq)
	case "TagSAMLProvider":
		res, err = s.tagSAMLProvider(rq)
	case "UntagSAMLProvider":
		res, err = s.untagSAMLProvider(rq)
	case "ListSAMLProviderTags":
		res, err = s.listSAMLProviderTags(rq)
	case "CreateRole":
		res, err = s.createRole(rq)
	case "GetRole":
		res, err = s.getRole(rq)
	case "ListRoles":
		res, err = s.listRoles(rq)
	case "DeleteRole":
		res, err = s.deleteRole(rq)
	case "UpdateAssumeRolePolicy":
		res, err = s.updateAssumeRolePolicy(rq)
	case "UpdateRole":
		res, err = s.updateRole(rq)
	case "TagRole":
		res, err = s.tagRole(rq)
	case "UntagRole":
		res, err = s.untagRole(rq)
	case "ListRoleTags":
		res, err = s.listRoleTags(rq)
	case "ListAccountAliases":
		res = &xmlw{}
		res.open("AccountAliases")
		if rq.acct.Alias != "" {
			res.str("member", rq.acct.Alias)
		}
		res.close("AccountAliases")
		res.boolean("IsTruncated", false)
	default:
		err = sender(400, "InvalidAction", "Could not find operation "+clip(rq.action, 64)+" for version "+iamVersion)
	}
	s.mu.Unlock()
	if err != nil {
		rq.fail(*err)
		return
	}
	rq.ok(res)
}

// --- SAML providers ------------------------------------------------------

var keyIDRE = regexp.MustCompile(`^[A-Z0-9]{22,64}$`)

// lookupProvider resolves SAMLProviderArn in the caller's account.
func (s *Server) lookupProvider(rq *request) (*provider, *apiErr) {
	v, err := rq.required("SAMLProviderArn")
	if err != nil {
		return nil, err
	}
	if err := length("SAMLProviderArn", v, 20, 2048); err != nil {
		return nil, err
	}
	p, perr := awsrole.ParseProviderARN(v)
	if perr != nil {
		return nil, sender(400, "InvalidInput", "ARN "+clip(v, 200)+" is not valid.")
	}
	if p.AccountID != rq.acct.ID || rq.acct.providers[p.Name] == nil || rq.acct.providers[p.Name].arn != v {
		return nil, sender(404, "NoSuchEntity", "Manifest not found for arn "+clip(v, 200))
	}
	return rq.acct.providers[p.Name], nil
}

// checkMetadata applies IAM's SAMLMetadataDocument checks (B1.1, A5.4) and
// returns the document's IdP entities and its ValidUntil. A document may be
// one EntityDescriptor or an EntitiesDescriptor aggregate of up to 10 IdP
// entities (B1.8: IAM's quota of IdPs associated with one SAML provider
// object; metadata.CheckIAM refuses more, or a non-IdP entity).
func checkMetadata(doc string) ([]*metadata.EntityDescriptor, time.Time, *apiErr) {
	if err := length("SAMLMetadataDocument", doc, mdlimit.IAMMinChars, mdlimit.IAMMaxChars); err != nil {
		return nil, time.Time{}, err
	}
	if probs := metadata.CheckIAM([]byte(doc)); len(probs) > 0 {
		// IAM answers one generic message (A5.4); the first problem
		// follows it so that a test knows which rule it broke.
		return nil, time.Time{}, sender(400, "InvalidInput", "Could not parse metadata: "+clip(probs[0].Reason+" (rule "+probs[0].Rule+")", 300))
	}
	d, err := metadata.Parse([]byte(doc), metadata.Limits{})
	if err != nil {
		return nil, time.Time{}, sender(400, "InvalidInput", "Could not parse metadata")
	}
	entities := d.Entities()
	if len(entities) == 0 {
		return nil, time.Time{}, sender(400, "InvalidInput", "Could not parse metadata")
	}
	return entities, validUntil(d), nil
}

// validUntil is the ValidUntil GetSAMLProvider reports (B1.4): the
// document's validUntil, or for an aggregate without one the earliest of
// its entities' [inferred: what IAM reports for an aggregate is not
// documented].
func validUntil(d *metadata.Document) time.Time {
	if d.Entity != nil {
		return d.Entity.ValidUntil
	}
	if !d.Aggregate.ValidUntil.IsZero() {
		return d.Aggregate.ValidUntil
	}
	var earliest time.Time
	for _, e := range d.Entities() {
		if !e.ValidUntil.IsZero() && (earliest.IsZero() || e.ValidUntil.Before(earliest)) {
			earliest = e.ValidUntil
		}
	}
	return earliest
}

// idpVerifiers verifies responses for one provider: one verifier per IdP
// entity of its metadata (one, or up to 10 for an aggregate, B1.8).
type idpVerifiers struct{ v []*saml.Verifier }

// issuerError reports whether err is the verifier's wrong-Issuer failure
// (code "issuer", D1.7).
func issuerError(err error) bool {
	var ve *saml.ValidationError
	return errors.As(err, &ve) && ve.Code() == "issuer"
}

// Verify accepts the response when the verifier of one entity accepts it.
// Every verifier checks that the Issuer is its own entityID (D1.7) and the
// signature with its own certificates, so at most one can accept a
// response. All are tried, because a verifier may fail on the signature of
// a signed Response before it reaches the Issuer; the cost is bounded by
// IAM's 10 entities (B1.8). When none accepts, the error is the first that
// is not an issuer mismatch (some entity found something else wrong), or
// else the issuer mismatch: no entity of the provider issued it ("Issuer not
// present in specified provider"), as for a single entity. [inferred] that
// STS accepts a response from any entity of an aggregate.
func (iv *idpVerifiers) Verify(ctx context.Context, raw []byte) (*saml.Assertion, error) {
	var issuerErr, otherErr error
	for _, v := range iv.v {
		a, err := v.Verify(ctx, raw)
		switch {
		case err == nil:
			return a, nil
		case issuerError(err):
			if issuerErr == nil {
				issuerErr = err
			}
		case otherErr == nil:
			otherErr = err
		}
	}
	if otherErr != nil {
		return nil, otherErr
	}
	return nil, issuerErr
}

func parsePrivateKey(v string) (*rsa.PrivateKey, *apiErr) {
	bad := sender(400, "InvalidInput", "Invalid private key.")
	if n := utf8.RuneCountInString(v); n < 1 || n > maxPrivateKeyChars {
		return nil, bad
	}
	blk, _ := pem.Decode([]byte(v))
	if blk == nil {
		return nil, bad
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, bad
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, bad
	}
	return rk, nil
}

// buildVerifier configures this project's verifier the way STS validates
// for this provider, one per IdP entity of its metadata: the entity's
// entityID and signing certificates, every sign-in endpoint and audience of
// the provider's partition, AWS-compatible freshness, and no replay check
// (STS accepts a reused assertion, A4.6).
func (s *Server) buildVerifier(p *provider, part awsrole.Partition) *apiErr {
	iv := &idpVerifiers{}
	for _, e := range p.entities {
		cfg := saml.VerifierConfig{
			Now:             s.now,
			Partitions:      []awsrole.Partition{part},
			AWSCompatible:   true,
			SkipReplayCheck: true,
		}
		if err := cfg.TrustMetadata(e); err != nil {
			return sender(400, "InvalidInput", "Could not parse metadata")
		}
		for _, k := range p.keys {
			cfg.DecryptionKeys = append(cfg.DecryptionKeys, k.key)
		}
		cfg.RequireEncryption = p.encMode == "Required"
		v, err := saml.NewVerifier(cfg)
		if err != nil {
			return sender(400, "InvalidInput", "Could not parse metadata")
		}
		iv.v = append(iv.v, v)
	}
	p.verifier = iv
	return nil
}

func (s *Server) createSAMLProvider(rq *request) (*xmlw, *apiErr) {
	name, err := rq.required("Name")
	if err != nil {
		return nil, err
	}
	if err := length("Name", name, 1, 128); err != nil {
		return nil, err
	}
	if awsrole.ValidateNewProviderName(name) != nil {
		return nil, validation("Value '" + clip(name, 128) + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+")
	}
	doc, err := rq.required("SAMLMetadataDocument")
	if err != nil {
		return nil, err
	}
	entities, until, err := checkMetadata(doc)
	if err != nil {
		return nil, err
	}
	tags, err := rq.checkTags(nil, true)
	if err != nil {
		return nil, err
	}
	p := &provider{name: name, metadata: doc, entities: entities, created: s.now().UTC().Truncate(time.Second), tags: tags}
	if mode, ok := rq.param("AssertionEncryptionMode"); ok {
		if mode != "Required" && mode != "Allowed" {
			return nil, validation("Value '" + clip(mode, 40) + "' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]")
		}
		p.encMode = mode
	}
	if v, ok := rq.param("AddPrivateKey"); ok {
		k, err := parsePrivateKey(v)
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, privateKey{id: s.randString(22, upperAlnum), created: p.created, key: k})
	}
	if p.encMode == "Required" && len(p.keys) == 0 {
		return nil, sender(400, "InvalidInput", "Unable to set assertion encryption mode to Required because no private key is provided.")
	}
	if _, dup := rq.acct.providers[name]; dup {
		return nil, sender(409, "EntityAlreadyExists", "SAMLProvider "+name+" already exists.")
	}
	if len(rq.acct.providers) >= maxProvidersPerAccount {
		return nil, sender(409, "LimitExceeded", "Cannot exceed quota for SAMLProvidersPerAccount: "+strconv.Itoa(maxProvidersPerAccount))
	}
	p.arn = "arn:aws:iam::" + rq.acct.ID + ":saml-provider/" + name
	p.uuid = s.randString(26, upperAlnum)
	if p.uuid == "" {
		return nil, &apiErr{500, "Receiver", "ServiceFailure", "The request processing has failed because of an unknown error, exception or failure."}
	}
	p.validUntil = until
	if err := s.buildVerifier(p, awsrole.PartitionAWS); err != nil {
		return nil, err
	}
	rq.acct.providers[name] = p
	w := &xmlw{}
	w.str("SAMLProviderArn", p.arn)
	if len(tags) > 0 {
		w.tags("Tags", tags)
	}
	return w, nil
}

func (s *Server) updateSAMLProvider(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	doc, hasDoc := rq.param("SAMLMetadataDocument")
	mode, hasMode := rq.param("AssertionEncryptionMode")
	add, hasAdd := rq.param("AddPrivateKey")
	remove, hasRemove := rq.param("RemovePrivateKey")
	if !hasDoc && !hasMode && !hasAdd && !hasRemove {
		return nil, sender(400, "InvalidInput", "Unable to update identity provider. No updates are defined for metadata or encryption assertion.")
	}
	if hasAdd && hasRemove {
		return nil, sender(400, "InvalidInput", "Unable to add and remove private keys in the same request. Add and remove private keys in separate requests.")
	}
	next := *p
	next.keys = append([]privateKey(nil), p.keys...)
	if hasDoc {
		entities, until, err := checkMetadata(doc)
		if err != nil {
			return nil, err
		}
		next.metadata, next.entities, next.validUntil = doc, entities, until
	}
	if hasMode {
		if mode != "Required" && mode != "Allowed" {
			return nil, validation("Value '" + clip(mode, 40) + "' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Required, Allowed]")
		}
		next.encMode = mode
	}
	if hasAdd {
		k, err := parsePrivateKey(add)
		if err != nil {
			return nil, err
		}
		if len(next.keys) >= maxPrivateKeys {
			return nil, sender(409, "LimitExceeded", "Private key limit of 2 is reached.")
		}
		next.keys = append(next.keys, privateKey{id: s.randString(22, upperAlnum), created: s.now().UTC().Truncate(time.Second), key: k})
	}
	if hasRemove {
		if !keyIDRE.MatchString(remove) {
			return nil, validation("Value '" + clip(remove, 64) + "' at 'removePrivateKey' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Z0-9]+")
		}
		i := -1
		for j, k := range next.keys {
			if k.id == remove {
				i = j
			}
		}
		if i < 0 {
			return nil, sender(400, "InvalidInput", "Failed to remove private key because the Key ID does not match a private key.")
		}
		next.keys = append(next.keys[:i:i], next.keys[i+1:]...)
	}
	if next.encMode == "Required" && len(next.keys) == 0 {
		return nil, sender(400, "InvalidInput", "Unable to set assertion encryption mode to Required because no private key is provided.")
	}
	pa, _ := awsrole.ParseProviderARN(p.arn)
	if err := s.buildVerifier(&next, pa.Partition); err != nil {
		return nil, err
	}
	*p = next
	w := &xmlw{}
	w.str("SAMLProviderArn", p.arn)
	return w, nil
}

func (s *Server) getSAMLProvider(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	w := &xmlw{}
	w.str("SAMLProviderUUID", p.uuid)
	w.str("SAMLMetadataDocument", p.metadata)
	w.ts("CreateDate", p.created)
	w.ts("ValidUntil", p.validUntil)
	if len(p.tags) > 0 {
		w.tags("Tags", p.tags)
	}
	w.str("AssertionEncryptionMode", p.encMode)
	if len(p.keys) > 0 {
		w.open("PrivateKeyList")
		for _, k := range p.keys {
			w.open("member")
			w.str("KeyId", k.id)
			w.ts("Timestamp", k.created)
			w.close("member")
		}
		w.close("PrivateKeyList")
	}
	return w, nil
}

func (s *Server) listSAMLProviders(rq *request) (*xmlw, *apiErr) {
	w := &xmlw{}
	w.open("SAMLProviderList")
	for _, p := range rq.acct.sortedProviders() {
		w.open("member")
		w.str("Arn", p.arn)
		w.ts("ValidUntil", p.validUntil)
		w.ts("CreateDate", p.created)
		w.close("member")
	}
	w.close("SAMLProviderList")
	return w, nil
}

func (s *Server) deleteSAMLProvider(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	// Trust policies naming it are left as they are (B1.6).
	delete(rq.acct.providers, p.name)
	return nil, nil
}

// checkTags reads Tags.member.N and validates them against IAM's tag rules
// (B1.7): at most 50, key 1-128 and value 0-256 characters of
// [\p{L}\p{Z}\p{N}_.:/=+\-@], no "aws:" prefix, keys unique (case-sensitive
// for SAML providers, case-insensitive for roles), merged into have.
func (rq *request) checkTags(have []tag, caseSensitive bool) ([]tag, *apiErr) {
	in, ok := rq.tagList("Tags")
	if !ok {
		return nil, validation("Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null")
	}
	out := append([]tag(nil), have...)
	seen := map[string]bool{}
	for _, t := range in {
		if err := (awsrole.Tag{Key: t.Key}).Validate(); err != nil { // the key alone (an empty value is valid)
			if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
				return nil, sender(400, "InvalidInput", "User is not authorized to perform: iam:Tag* on reserved tag keys with prefix aws:")
			}
			return nil, validation("Value '" + clip(t.Key, 128) + "' at 'tags.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+")
		}
		if err := (awsrole.Tag{Key: t.Key, Value: t.Value}).Validate(); err != nil { // the key passed: the value
			return nil, validation("Value at 'tags.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*")
		}
		k := t.Key
		if !caseSensitive {
			k = strings.ToLower(k)
		}
		if seen[k] {
			return nil, sender(400, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
		replaced := false
		for i := range out {
			if out[i].Key == t.Key || (!caseSensitive && strings.EqualFold(out[i].Key, t.Key)) {
				out[i] = t
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, sender(409, "LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return out, nil
}

func untag(have []tag, keys []string, caseSensitive bool) []tag {
	var out []tag
	for _, t := range have {
		drop := false
		for _, k := range keys {
			if t.Key == k || (!caseSensitive && strings.EqualFold(t.Key, k)) {
				drop = true
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) tagSAMLProvider(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	return nil, rq.tagResource(&p.tags, true)
}

func (s *Server) untagSAMLProvider(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	return nil, rq.untagResource(&p.tags, true)
}

// tagResource, untagResource and listTags are IAM's Tag*, Untag* and List*Tags
// on the tags of a SAML provider (provider true, whose rules differ slightly)
// or of a role.
func (rq *request) tagResource(tags *[]tag, provider bool) *apiErr {
	if _, ok := rq.param("Tags.member.1.Key"); !ok {
		return validation("Value null at 'tags' failed to satisfy constraint: Member must not be null")
	}
	merged, err := rq.checkTags(*tags, provider)
	if err != nil {
		return err
	}
	*tags = merged
	return nil
}

func (rq *request) untagResource(tags *[]tag, provider bool) *apiErr {
	keys := rq.members("TagKeys")
	if len(keys) == 0 {
		return validation("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	*tags = untag(*tags, keys, provider)
	return nil
}

func (rq *request) listTags(tags []tag) (*xmlw, *apiErr) {
	from, to, err := rq.page(len(tags))
	if err != nil {
		return nil, err
	}
	w := &xmlw{}
	w.tags("Tags", tags[from:to])
	w.more(to, len(tags))
	return w, nil
}

// page applies Marker/MaxItems pagination (MaxItems 1-1000, default 100;
// the Marker is the index of the next item, opaque to clients).
func (rq *request) page(n int) (from, to int, err *apiErr) {
	max := 100
	if v, ok := rq.param("MaxItems"); ok {
		m, perr := strconv.Atoi(v)
		if perr != nil || m < 1 || m > 1000 {
			return 0, 0, validation("Value '" + clip(v, 20) + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")
		}
		max = m
	}
	if v, ok := rq.param("Marker"); ok {
		i, perr := strconv.Atoi(strings.TrimPrefix(v, "awstest-"))
		if perr != nil || !strings.HasPrefix(v, "awstest-") || i < 0 || i > n {
			return 0, 0, sender(400, "InvalidInput", "Invalid Marker.")
		}
		from = i
	}
	to = from + max
	if to > n {
		to = n
	}
	return from, to, nil
}

func (w *xmlw) more(to, n int) {
	w.boolean("IsTruncated", to < n)
	if to < n {
		w.str("Marker", "awstest-"+strconv.Itoa(to))
	}
}

func (s *Server) listSAMLProviderTags(rq *request) (*xmlw, *apiErr) {
	p, err := s.lookupProvider(rq)
	if err != nil {
		return nil, err
	}
	return rq.listTags(p.tags)
}

// --- roles ---------------------------------------------------------------

var (
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	pathRE     = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	policyRE   = regexp.MustCompile(`^[\x09\x0A\x0D\x20-\x{FF}]+$`)
)

func (s *Server) lookupRole(rq *request) (*role, *apiErr) {
	name, err := rq.required("RoleName")
	if err != nil {
		return nil, err
	}
	if !roleNameRE.MatchString(name) {
		return nil, validation("Value '" + clip(name, 64) + "' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
	}
	r := rq.acct.roles[strings.ToLower(name)]
	if r == nil {
		return nil, sender(404, "NoSuchEntity", "The role with name "+name+" cannot be found.")
	}
	return r, nil
}

// checkTrustPolicy applies IAM's write-time checks to an
// AssumeRolePolicyDocument (B2.5, B3.1): length and characters, the policy
// grammar (federation.ParseTrustPolicy), and that every saml-provider named
// as a principal exists.
func (s *Server) checkTrustPolicy(doc, param string) (*federation.TrustPolicy, *apiErr) {
	if err := length(param, doc, 1, awslimits.MaxPolicyDocumentLength); err != nil {
		return nil, err
	}
	if !policyRE.MatchString(doc) {
		return nil, validation("Value at '" + lowerFirst(param) + "' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")
	}
	tp, err := federation.ParseTrustPolicy(doc)
	if err != nil {
		reason := err.Error()
		reason = strings.TrimPrefix(reason, "federation: trust policy: ")
		return nil, sender(400, "MalformedPolicyDocument", clip(reason, 300))
	}
	var named []awsrole.ProviderARN
	named = append(named, tp.Providers...)
	named = append(named, tp.Denied...)
	for _, st := range tp.Statements {
		named = append(named, st.Providers...)
	}
	for _, p := range named {
		a := s.account(p.AccountID)
		if a == nil || a.providers[p.Name] == nil || a.providers[p.Name].arn != p.String() {
			return nil, sender(400, "MalformedPolicyDocument", "Invalid principal in policy: \"FEDERATED\":\""+clip(p.String(), 200)+"\"")
		}
	}
	return tp, nil
}

func (s *Server) createRole(rq *request) (*xmlw, *apiErr) {
	name, err := rq.required("RoleName")
	if err != nil {
		return nil, err
	}
	if err := length("RoleName", name, 1, 64); err != nil {
		return nil, err
	}
	if !roleNameRE.MatchString(name) {
		return nil, validation("Value '" + clip(name, 64) + "' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
	}
	path := "/"
	if v, ok := rq.param("Path"); ok {
		if err := length("Path", v, 1, 512); err != nil {
			return nil, err
		}
		if !pathRE.MatchString(v) {
			return nil, validation("Value '" + clip(v, 100) + "' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)")
		}
		path = v
	}
	doc, err := rq.required("AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	tp, err := s.checkTrustPolicy(doc, "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	r := &role{name: name, path: path, policy: doc, trust: tp, created: s.now().UTC().Truncate(time.Second), maxSession: maxRoleSessionDefault}
	if v, ok := rq.param("Description"); ok {
		if err := length("Description", v, 0, 1000); err != nil {
			return nil, err
		}
		r.description = v
	}
	if v, ok := rq.param("MaxSessionDuration"); ok {
		n, err := maxSessionParam(v)
		if err != nil {
			return nil, err
		}
		r.maxSession = n
	}
	tags, err := rq.checkTags(nil, false)
	if err != nil {
		return nil, err
	}
	r.tags = tags
	if _, dup := rq.acct.roles[strings.ToLower(name)]; dup {
		return nil, sender(409, "EntityAlreadyExists", "Role with name "+name+" already exists.")
	}
	r.arn = "arn:aws:iam::" + rq.acct.ID + ":role" + path + name
	r.id = "AROA" + s.randString(17, upperAlnum)
	if len(r.id) != 21 {
		return nil, &apiErr{500, "Receiver", "ServiceFailure", "The request processing has failed because of an unknown error, exception or failure."}
	}
	rq.acct.roles[strings.ToLower(name)] = r
	w := &xmlw{}
	w.open("Role")
	writeRole(w, r, true)
	w.close("Role")
	return w, nil
}

// maxSessionParam checks MaxSessionDuration (B2.4).
func maxSessionParam(v string) (int, *apiErr) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 3600 || n > 43200 {
		return 0, validation("Value '" + clip(v, 20) + "' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200")
	}
	return n, nil
}

// writeRole writes <Role> as CreateRole and GetRole return it: the trust
// policy URL-encoded, as IAM returns it.
func writeRole(w *xmlw, r *role, withTags bool) {
	w.str("Path", r.path)
	w.str("RoleName", r.name)
	w.str("RoleId", r.id)
	w.str("Arn", r.arn)
	w.ts("CreateDate", r.created)
	w.str("AssumeRolePolicyDocument", sigEscape(r.policy))
	w.str("Description", r.description)
	w.num("MaxSessionDuration", r.maxSession)
	if withTags && len(r.tags) > 0 {
		w.tags("Tags", r.tags)
	}
}

func (s *Server) getRole(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	w := &xmlw{}
	w.open("Role")
	writeRole(w, r, true)
	w.close("Role")
	return w, nil
}

func (s *Server) listRoles(rq *request) (*xmlw, *apiErr) {
	prefix := "/"
	if v, ok := rq.param("PathPrefix"); ok {
		if err := length("PathPrefix", v, 1, 512); err != nil {
			return nil, err
		}
		prefix = v
	}
	var roles []*role
	for _, r := range rq.acct.sortedRoles() {
		if strings.HasPrefix(r.path, prefix) {
			roles = append(roles, r)
		}
	}
	from, to, err := rq.page(len(roles))
	if err != nil {
		return nil, err
	}
	w := &xmlw{}
	w.open("Roles")
	for _, r := range roles[from:to] {
		w.open("member")
		writeRole(w, r, false)
		w.close("member")
	}
	w.close("Roles")
	w.more(to, len(roles))
	return w, nil
}

func (s *Server) deleteRole(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	delete(rq.acct.roles, strings.ToLower(r.name))
	return nil, nil
}

func (s *Server) updateAssumeRolePolicy(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	doc, err := rq.required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	tp, err := s.checkTrustPolicy(doc, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	r.policy, r.trust = doc, tp
	return nil, nil
}

func (s *Server) updateRole(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	if v, ok := rq.param("MaxSessionDuration"); ok {
		n, err := maxSessionParam(v)
		if err != nil {
			return nil, err
		}
		r.maxSession = n
	}
	if v, ok := rq.param("Description"); ok {
		if err := length("Description", v, 0, 1000); err != nil {
			return nil, err
		}
		r.description = v
	}
	return &xmlw{}, nil
}

func (s *Server) tagRole(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	return nil, rq.tagResource(&r.tags, false)
}

func (s *Server) untagRole(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	return nil, rq.untagResource(&r.tags, false)
}

func (s *Server) listRoleTags(rq *request) (*xmlw, *apiErr) {
	r, err := s.lookupRole(rq)
	if err != nil {
		return nil, err
	}
	return rq.listTags(r.tags)
}
