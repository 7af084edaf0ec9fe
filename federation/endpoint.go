package federation

import (
	"slices"
	"strings"

	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"
)

// Values for partitions other than aws; the aws partition's are in
// internal/awsendpoint, shared with the verifier, the test IdP and the CLI.
const (
	// spEntityIDGovCloud is the entityID of the AWS GovCloud (US) SP metadata
	// (A1.5); SPEntityID(awsrole.PartitionAWSUSGov) returns it.
	spEntityIDGovCloud = "urn:amazon:webservices:govcloud"
	// regionalAudiencePattern is the IAM StringLike pattern that matches the
	// regional sign-in endpoints of the aws partition (B3.1).
	regionalAudiencePattern = "https://*.signin.aws.amazon.com/saml"
)

// partitionInfo is what is known about one partition's sign-in service. An
// empty field means "not known"; this package never derives one.
type partitionInfo struct {
	// host is the partition's unprefixed sign-in host (A1.1, A1.3).
	host string
	// hostRegion is the region the unprefixed host is known to serve, if any.
	hostRegion string
	// regional is true when {region}.{host} endpoints are known to exist.
	regional bool
	// entityID is the SP metadata entityID (A1.5).
	entityID string
	// metadata is true when host/static/saml-metadata.xml is documented (A1.4).
	metadata bool
	// metadataRegional is true when {region}.{host}/static/saml-metadata.xml is
	// documented (A1.4).
	metadataRegional bool
	// encryptedMetadata is true when the provider-specific metadata URL of
	// encrypted providers is documented (A1.4).
	encryptedMetadata bool
}

// partitionTable returns the sign-in facts of p, or false for a partition with
// no known sign-in endpoint. It is a function rather than a package variable so
// that nothing mutable is shared.
func partitionTable(p awsrole.Partition) (partitionInfo, bool) {
	switch p {
	case awsrole.PartitionAWS:
		// A1.1, A1.2, A1.4, A1.5 [doc]; us-east-1 is the unprefixed host (SIGNIN-EP).
		return partitionInfo{host: "signin.aws.amazon.com", hostRegion: "us-east-1", regional: true,
			entityID: awsendpoint.SPEntityID, metadata: true, metadataRegional: true, encryptedMetadata: true}, true
	case awsrole.PartitionAWSCN:
		// A1.3 [obs]. The China edition of the IAM user guide
		// (docs.amazonaws.cn, id_roles_providers_create_saml_relying-party)
		// names https://signin.amazonaws.cn/static/saml-metadata.xml. Its
		// regional variant and the aws-cn entityID are not confirmed (open item 7).
		return partitionInfo{host: "signin.amazonaws.cn", metadata: true}, true
	case awsrole.PartitionAWSUSGov:
		// A1.3 [obs]: unprefixed host, and a regional us-gov-east-1 host seen in
		// the field; A1.5 [obs] entityID. No metadata URL is documented.
		return partitionInfo{host: "signin.amazonaws-us-gov.com", regional: true,
			entityID: spEntityIDGovCloud}, true
	case awsrole.PartitionAWSISO:
		return partitionInfo{host: "signin.c2shome.ic.gov"}, true // A1.3 [obs]
	case awsrole.PartitionAWSISOB:
		return partitionInfo{host: "signin.sc2shome.sgov.gov"}, true // A1.3 [obs]
	}
	// aws-iso-e, aws-iso-f: no sign-in endpoint found in any source (A1.3).
	return partitionInfo{}, false
}

// Endpoint is an AWS sign-in SAML endpoint (an ACS URL), as parsed by
// ParseSignInEndpoint.
type Endpoint struct {
	// Partition is the partition the endpoint belongs to.
	Partition awsrole.Partition
	// Region is the region in the host name ("eu-west-1" for
	// https://eu-west-1.signin.aws.amazon.com/saml), "us-east-1" for the
	// unprefixed aws host (which is hosted there), and "" for the unprefixed
	// host of another partition (the region is not known).
	Region string
	// ProviderID is the IAM SAML provider's unique ID when the URL is the
	// provider-specific ACS of an encrypted provider (.../saml/acs/{ID}), and
	// "" otherwise.
	ProviderID string
	// URL is the endpoint URL, exactly as given.
	URL string
}

// checkPartition reports an unknown partition.
func checkPartition(p awsrole.Partition) error {
	if !slices.Contains(awsrole.Partitions(), p) {
		return newErr("B2.1", errUnknownPartition, nil,
			"unknown partition "+quote(string(p), 32)+" (want one of aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f)")
	}
	return nil
}

// validRegionSyntax reports whether r matches ^[a-z]{2}(-[a-z]+)+-\d$, the
// region part of A1.2's regex.
func validRegionSyntax(r string) bool {
	parts := strings.Split(r, "-")
	if len(parts) < 3 {
		return false
	}
	if len(parts[0]) != 2 || !allLower(parts[0]) {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		if p == "" || !allLower(p) {
			return false
		}
	}
	last := parts[len(parts)-1]
	return len(last) == 1 && last[0] >= '0' && last[0] <= '9'
}

func allLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// PartitionForRegion returns the partition a region belongs to, from its
// name: cn-* is aws-cn, us-gov-* is aws-us-gov, *-iso-* aws-iso, *-isob-*
// aws-iso-b, *-isoe-* aws-iso-e, *-isof-* aws-iso-f, anything else aws. The
// region must match ^[a-z]{2}(-[a-z]+)+-\d$ (A1.2); errors wrap
// ErrInvalid. It does not check that the region exists.
func PartitionForRegion(region string) (awsrole.Partition, error) {
	if !validRegionSyntax(region) {
		return "", newErr("A1.2", errInvalidRegion, nil,
			"region "+quote(region, 32)+" does not match ^[a-z]{2}(-[a-z]+)+-\\d$ (such as eu-west-1)")
	}
	parts := strings.Split(region, "-")
	switch {
	case parts[0] == "cn":
		return awsrole.PartitionAWSCN, nil
	case parts[0] == "us" && parts[1] == "gov":
		return awsrole.PartitionAWSUSGov, nil
	case parts[1] == "iso":
		return awsrole.PartitionAWSISO, nil
	case parts[1] == "isob":
		return awsrole.PartitionAWSISOB, nil
	case parts[1] == "isoe":
		return awsrole.PartitionAWSISOE, nil
	case parts[1] == "isof":
		return awsrole.PartitionAWSISOF, nil
	}
	return awsrole.PartitionAWS, nil
}

// lookup validates partition and region together and returns the partition's
// facts. region may be "".
func lookup(p awsrole.Partition, region string) (partitionInfo, error) {
	if err := checkPartition(p); err != nil {
		return partitionInfo{}, err
	}
	if region != "" {
		rp, err := PartitionForRegion(region)
		if err != nil {
			return partitionInfo{}, err
		}
		if rp != p {
			return partitionInfo{}, newErr("A1.2", errInvalidRegion, nil,
				"region "+quote(region, 32)+" is in partition "+string(rp)+", not "+string(p))
		}
	}
	info, ok := partitionTable(p)
	if !ok {
		return partitionInfo{}, newErr("A1.3", errNoEndpoint, nil,
			"no AWS sign-in SAML endpoint is known for partition "+string(p)+"; configure the URL explicitly")
	}
	return info, nil
}

// SignInEndpoint returns the AWS sign-in SAML endpoint (the ACS URL, Reply URL
// and expected Recipient) for a partition and region (A1.1-A1.3). An empty
// region gives the partition's unprefixed endpoint.
//
//   - aws: https://signin.aws.amazon.com/saml for "" and us-east-1 (the endpoint
//     table maps us-east-1 to the unprefixed host), otherwise
//     https://{region}.signin.aws.amazon.com/saml (A1.2).
//   - aws-cn: https://signin.amazonaws.cn/saml for every aws-cn region: no
//     regional form is known (A1.3).
//   - aws-us-gov: https://us-gov-east-1.signin.amazonaws-us-gov.com/saml for
//     us-gov-east-1 (the one regional form seen), otherwise
//     https://signin.amazonaws-us-gov.com/saml (A1.3).
//   - aws-iso: https://signin.c2shome.ic.gov/saml; aws-iso-b:
//     https://signin.sc2shome.sgov.gov/saml, for every region of the partition
//     (A1.3).
//   - aws-iso-e and aws-iso-f: no endpoint is known; the error wraps
//     ErrInvalid.
//
// The A1.3 endpoints come from field reports (aws-cdk and federation CLIs), not
// from an AWS user guide. A region must belong to the partition (errors wrap
// ErrInvalid); an unknown partition wraps ErrInvalid too.
func SignInEndpoint(partition awsrole.Partition, region string) (string, error) {
	info, err := lookup(partition, region)
	if err != nil {
		return "", err
	}
	return "https://" + hostFor(partition, info, region) + "/saml", nil
}

// hostFor picks the sign-in host for a region: the regional host where one is
// known, otherwise the partition's unprefixed host.
func hostFor(p awsrole.Partition, info partitionInfo, region string) string {
	if region == "" || region == info.hostRegion || !info.regional {
		return info.host
	}
	if p == awsrole.PartitionAWSUSGov && region != "us-gov-east-1" {
		// Only us-gov-east-1 has been seen with a regional host.
		return info.host
	}
	return region + "." + info.host
}

// MetadataURL returns the URL of the AWS SP metadata document to give Entra
// (A1.4).
//
// With an empty providerID: https://signin.aws.amazon.com/static/saml-metadata.xml, or
// https://{region}.signin.aws.amazon.com/static/saml-metadata.xml for a region
// other than us-east-1. For aws-cn it returns
// https://signin.amazonaws.cn/static/saml-metadata.xml (documented in the China
// edition of the IAM user guide; every aws-cn region gets it). No metadata URL
// is documented for the other partitions: the error wraps ErrInvalid.
//
// When the provider's AssertionEncryptionMode is Required, pass its unique ID
// as providerID to get the provider-specific URL:
//
//	https://{region}.signin.aws.amazon.com/static/saml/{providerID}/saml-metadata.xml
//
// with the unprefixed host for "" and us-east-1. providerID is the unique ID
// the IAM console shows for the provider, most likely GetSAMLProvider's
// SAMLProviderUUID: 22-64 characters of [A-Z0-9] (B1.4; errors wrap
// ErrInvalid). Only the aws partition has a documented provider-specific
// URL; others wrap ErrInvalid.
func MetadataURL(partition awsrole.Partition, region, providerID string) (string, error) {
	if providerID != "" {
		return encryptedMetadataURL(partition, region, providerID)
	}
	info, err := lookup(partition, region)
	if err != nil {
		return "", err
	}
	if !info.metadata {
		return "", newErr("A1.4", errNoEndpoint, nil,
			"no SP metadata URL is documented for partition "+string(partition))
	}
	host := info.host
	if info.metadataRegional {
		host = hostFor(partition, info, region)
	}
	return "https://" + host + "/static/saml-metadata.xml", nil
}

// encryptedMetadataURL is MetadataURL with a providerID (A1.4, B1.4).
func encryptedMetadataURL(partition awsrole.Partition, region, providerID string) (string, error) {
	info, err := lookup(partition, region)
	if err != nil {
		return "", err
	}
	if !info.encryptedMetadata {
		return "", newErr("A1.4", errNoEndpoint, nil,
			"no provider-specific SP metadata URL is documented for partition "+string(partition))
	}
	if !validProviderID(providerID) {
		return "", newErr("B1.4", errInvalidProviderID, nil,
			"SAML provider ID must be 22-64 characters of [A-Z0-9] (the provider's SAMLProviderUUID)")
	}
	return "https://" + hostFor(partition, info, region) + "/static/saml/" + providerID + "/saml-metadata.xml", nil
}

func validProviderID(s string) bool {
	if len(s) < 22 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// SPEntityID returns the entityID of the AWS SP metadata for a partition
// (A1.5): "urn:amazon:webservices" for aws, "urn:amazon:webservices:govcloud"
// for aws-us-gov. For the other partitions no entityID is confirmed and the
// error wraps ErrInvalid.
func SPEntityID(partition awsrole.Partition) (string, error) {
	info, err := lookup(partition, "")
	if err != nil {
		return "", err
	}
	if info.entityID == "" {
		return "", newErr("A1.5", errNoEndpoint, nil,
			"no SP entityID is confirmed for partition "+string(partition))
	}
	return info.entityID, nil
}

// ParseSignInEndpoint reports whether u is an AWS sign-in SAML endpoint and of
// which partition and region (A1.1-A1.3, A1.8). A SubjectConfirmationData
// Recipient or a Response Destination is one AWS accepts for partition p
// exactly when it parses and ep.Partition == p (A1.8, A1.9). Accepted, byte for byte:
//
//	https://{host}/saml
//	https://{region}.{host}/saml          where regional hosts are known
//	https://signin.aws.amazon.com/static/saml           (A1.1)
//	https://{host or region.host}/saml/acs/{providerID}  (encrypted providers)
//
// with host one of the partition hosts listed at SignInEndpoint and region a
// region of that host's partition. The unprefixed aws host is reported with
// Region "us-east-1". The regional form also accepts us-east-1 (A1.2's regex
// does), although SignInEndpoint never produces it. The provider-specific ACS
// https://{region}.signin.aws.amazon.com/saml/acs/{IdP-ID} is the one the IAM
// user guide documents for providers that require encrypted assertions (A1.4).
//
// Everything else is rejected: look-alike hosts (signin.aws.amazon.com.example,
// example.com/signin.aws.amazon.com, signin-aws.amazon.com), upper case, ports
// (":443" too), user info, queries, trailing slashes, a trailing dot, other
// paths and http. Errors wrap ErrInvalid, or ErrReplyURLInstance for a "#N"
// suffix (see CheckReplyURL).
func ParseSignInEndpoint(u string) (Endpoint, error) {
	if err := CheckReplyURL(u); err != nil {
		return Endpoint{}, err
	}
	notEndpoint := func(why string) (Endpoint, error) {
		return Endpoint{}, newErr("A1.8", errNotSignInEndpoint, nil,
			"URL is not an AWS sign-in SAML endpoint: "+why)
	}
	rest, _ := strings.CutPrefix(u, "https://") // CheckReplyURL ensured the prefix
	host, path, ok := strings.Cut(rest, "/")
	if !ok {
		return notEndpoint("no path")
	}
	path = "/" + path
	ep := Endpoint{URL: u}
	found := false
	for _, p := range awsrole.Partitions() {
		info, ok := partitionTable(p)
		if !ok {
			continue
		}
		if host == info.host {
			ep.Partition, ep.Region, found = p, info.hostRegion, true
			break
		}
		if !info.regional {
			continue
		}
		region, ok := strings.CutSuffix(host, "."+info.host)
		if !ok {
			continue
		}
		if rp, err := PartitionForRegion(region); err != nil || rp != p {
			return notEndpoint("the host's region label is not a region of partition " + string(p))
		}
		ep.Partition, ep.Region, found = p, region, true
		break
	}
	if !found {
		return notEndpoint("unknown host (sign-in hosts are exact; ports, user info and look-alike names do not match)")
	}
	switch {
	case path == "/saml":
	case path == "/static/saml" && host == "signin.aws.amazon.com":
	case strings.HasPrefix(path, "/saml/acs/") && validProviderID(path[len("/saml/acs/"):]):
		ep.ProviderID = path[len("/saml/acs/"):]
	default:
		return notEndpoint("path is not /saml (nor /static/saml on the global host, nor /saml/acs/{provider ID}); queries and trailing slashes do not match")
	}
	return ep, nil
}

// acceptableAudiences returns the fixed audiences AWS accepts in practice for a
// partition (A1.7): its unprefixed sign-in endpoint and, where known, its SP
// entityID. Regional endpoints are also accepted (see CheckAudience) but are
// not listed. AWS does not publish the set; this is the observed one. For
// aws-iso-e and aws-iso-f the error wraps ErrInvalid.
func acceptableAudiences(partition awsrole.Partition) ([]string, error) {
	info, err := lookup(partition, "")
	if err != nil {
		return nil, err
	}
	out := []string{"https://" + info.host + "/saml"}
	if info.entityID != "" {
		out = append(out, info.entityID)
	}
	return out, nil
}

// CheckAudience reports whether an assertion's Audience is one AWS accepts for
// the partition (A1.6, A1.7): after removing an instance suffix "#N"
// (ParseIdentifier's Audience), it must equal the partition's unprefixed
// sign-in endpoint (SignInEndpoint with no region), its SP entityID
// (SPEntityID, where one is known) or a regional sign-in endpoint
// https://{region}.{host}/saml of the partition. AWS does not publish the set;
// this is the observed one.
// Errors wrap ErrInvalid (malformed, not an accepted audience, unknown
// partition, no endpoint known) and never echo the audience.
func CheckAudience(partition awsrole.Partition, audience string) error {
	accepted, err := acceptableAudiences(partition)
	if err != nil {
		return err
	}
	aud, err := normalizeAudience(audience)
	if err != nil {
		return err
	}
	for _, a := range accepted {
		if aud == a {
			return nil
		}
	}
	if ep, err := ParseSignInEndpoint(aud); err == nil && ep.Partition == partition &&
		ep.ProviderID == "" && strings.HasSuffix(aud, "/saml") && !strings.HasSuffix(aud, "/static/saml") {
		return nil
	}
	return newErr("A1.7", errAudienceMismatch, nil,
		"audience is not one AWS accepts for partition "+string(partition)+
			" (the sign-in endpoint, a regional sign-in endpoint or the SP entityID); make the Entra Identifier exactly equal one of them")
}
