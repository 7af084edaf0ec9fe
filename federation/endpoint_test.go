package federation

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/samlaws/samlaws/awsrole"
	"github.com/samlaws/samlaws/internal/awsendpoint"
)

func TestSignInEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		partition awsrole.Partition
		region    string
		want      string
		wantErr   error
	}{
		{"A1.1/aws_global", awsrole.PartitionAWS, "", "https://signin.aws.amazon.com/saml", nil},
		{"A1.2/aws_us-east-1_is_bare_host", awsrole.PartitionAWS, "us-east-1", "https://signin.aws.amazon.com/saml", nil},
		{"A1.2/aws_eu-west-1", awsrole.PartitionAWS, "eu-west-1", "https://eu-west-1.signin.aws.amazon.com/saml", nil},
		{"A1.2/aws_ap-southeast-2", awsrole.PartitionAWS, "ap-southeast-2", "https://ap-southeast-2.signin.aws.amazon.com/saml", nil},
		{"A1.2/aws_us-east-2", awsrole.PartitionAWS, "us-east-2", "https://us-east-2.signin.aws.amazon.com/saml", nil},
		{"A1.3/aws-cn", awsrole.PartitionAWSCN, "", "https://signin.amazonaws.cn/saml", nil},
		{"A1.3/aws-cn_region_uses_partition_host", awsrole.PartitionAWSCN, "cn-northwest-1", "https://signin.amazonaws.cn/saml", nil},
		{"A1.3/aws-us-gov", awsrole.PartitionAWSUSGov, "", "https://signin.amazonaws-us-gov.com/saml", nil},
		{"A1.3/aws-us-gov_west", awsrole.PartitionAWSUSGov, "us-gov-west-1", "https://signin.amazonaws-us-gov.com/saml", nil},
		{"A1.3/aws-us-gov_east_regional", awsrole.PartitionAWSUSGov, "us-gov-east-1", "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml", nil},
		{"A1.3/aws-iso", awsrole.PartitionAWSISO, "", "https://signin.c2shome.ic.gov/saml", nil},
		{"A1.3/aws-iso_region", awsrole.PartitionAWSISO, "us-iso-east-1", "https://signin.c2shome.ic.gov/saml", nil},
		{"A1.3/aws-iso-b", awsrole.PartitionAWSISOB, "", "https://signin.sc2shome.sgov.gov/saml", nil},
		{"A1.3/aws-iso-b_region", awsrole.PartitionAWSISOB, "us-isob-east-1", "https://signin.sc2shome.sgov.gov/saml", nil},
		{"A1.3/aws-iso-e_unknown", awsrole.PartitionAWSISOE, "", "", errNoEndpoint},
		{"A1.3/aws-iso-e_region_unknown", awsrole.PartitionAWSISOE, "eu-isoe-west-1", "", errNoEndpoint},
		{"A1.3/aws-iso-f_unknown", awsrole.PartitionAWSISOF, "", "", errNoEndpoint},
		{"B2.1/unknown_partition", "aws-xx", "", "", errUnknownPartition},
		{"B2.1/partition_case", "AWS", "", "", errUnknownPartition},
		{"B2.1/empty_partition", "", "", "", errUnknownPartition},
		{"A1.2/region_other_partition_cn", awsrole.PartitionAWS, "cn-north-1", "", errInvalidRegion},
		{"A1.2/region_other_partition_gov", awsrole.PartitionAWS, "us-gov-west-1", "", errInvalidRegion},
		{"A1.2/region_other_partition_aws", awsrole.PartitionAWSCN, "eu-west-1", "", errInvalidRegion},
		{"A1.2/region_upper_case", awsrole.PartitionAWS, "EU-WEST-1", "", errInvalidRegion},
		{"A1.2/region_no_number", awsrole.PartitionAWS, "eu-west", "", errInvalidRegion},
		{"A1.2/region_two_digit", awsrole.PartitionAWS, "eu-west-10", "", errInvalidRegion},
		{"A1.2/region_injection", awsrole.PartitionAWS, "evil.example/x-y-1", "", errInvalidRegion},
		{"A1.2/region_dot", awsrole.PartitionAWS, "eu-west-1.", "", errInvalidRegion},
		{"A1.2/region_space", awsrole.PartitionAWS, " eu-west-1", "", errInvalidRegion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SignInEndpoint(tc.partition, tc.region)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || got != "" {
					t.Fatalf("SignInEndpoint(%q, %q) = %q, %v; want %v", tc.partition, tc.region, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("SignInEndpoint(%q, %q) = %q, %v; want %q", tc.partition, tc.region, got, err, tc.want)
			}
			// Every endpoint SignInEndpoint builds parses back to its partition
			// (A1.8), and is accepted as a Recipient.
			ep, err := ParseSignInEndpoint(got)
			if err != nil || ep.Partition != tc.partition {
				t.Fatalf("ParseSignInEndpoint(%q) = %+v, %v; want partition %q", got, ep, err, tc.partition)
			}
			if err := checkRecipient(tc.partition, got); err != nil {
				t.Fatalf("checkRecipient(%q, %q): %v", tc.partition, got, err)
			}
		})
	}
}

func TestSignInEndpointA12Regex(t *testing.T) {
	t.Parallel()
	// A1.2: every aws-partition endpoint matches the regex rule A1.2 gives; built here
	// by hand rather than with regexp so the check is independent of the code.
	for _, r := range []string{"", "us-east-1", "us-west-2", "eu-central-1", "ap-northeast-3", "sa-east-1", "me-central-1", "il-central-1", "ca-west-1"} {
		u, err := SignInEndpoint(awsrole.PartitionAWS, r)
		if err != nil {
			t.Fatalf("A1.2 %q: %v", r, err)
		}
		host := strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/saml")
		if host != "signin.aws.amazon.com" {
			label := strings.TrimSuffix(host, ".signin.aws.amazon.com")
			if label != r || r == "us-east-1" {
				t.Fatalf("A1.2 %q: got %q", r, u)
			}
		}
	}
}

func TestPartitionForRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region  string
		want    awsrole.Partition
		wantErr bool
	}{
		{"us-east-1", awsrole.PartitionAWS, false},
		{"eu-south-2", awsrole.PartitionAWS, false},
		{"cn-north-1", awsrole.PartitionAWSCN, false},
		{"us-gov-west-1", awsrole.PartitionAWSUSGov, false},
		{"us-iso-east-1", awsrole.PartitionAWSISO, false},
		{"us-isob-east-1", awsrole.PartitionAWSISOB, false},
		{"eu-isoe-west-1", awsrole.PartitionAWSISOE, false},
		{"us-isof-south-1", awsrole.PartitionAWSISOF, false},
		{"", "", true},
		{"us", "", true},
		{"us-1", "", true},
		{"usa-east-1", "", true},
		{"us--east-1", "", true},
		{"us-east-1a", "", true},
		{"us_east_1", "", true},
	}
	for _, tc := range tests {
		t.Run("A1.2/"+tc.region, func(t *testing.T) {
			t.Parallel()
			got, err := PartitionForRegion(tc.region)
			if tc.wantErr {
				if !errors.Is(err, errInvalidRegion) {
					t.Fatalf("PartitionForRegion(%q) = %q, %v; want errInvalidRegion", tc.region, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("PartitionForRegion(%q) = %q, %v; want %q", tc.region, got, err, tc.want)
			}
		})
	}
}

func TestParseSignInEndpoint(t *testing.T) {
	t.Parallel()
	const id = "ABCDEFGHIJKLMNOPQRSTUV" // 22 characters
	tests := []struct {
		name    string
		in      string
		want    Endpoint
		wantErr error
	}{
		{"A1.1/global", "https://signin.aws.amazon.com/saml", Endpoint{Partition: "aws", Region: "us-east-1"}, nil},
		{"A1.1/global_static", "https://signin.aws.amazon.com/static/saml", Endpoint{Partition: "aws", Region: "us-east-1"}, nil},
		{"A1.2/regional", "https://eu-west-1.signin.aws.amazon.com/saml", Endpoint{Partition: "aws", Region: "eu-west-1"}, nil},
		{"A1.2/regional_us-east-1_per_regex", "https://us-east-1.signin.aws.amazon.com/saml", Endpoint{Partition: "aws", Region: "us-east-1"}, nil},
		{"A1.3/cn", "https://signin.amazonaws.cn/saml", Endpoint{Partition: "aws-cn"}, nil},
		{"A1.3/us-gov", "https://signin.amazonaws-us-gov.com/saml", Endpoint{Partition: "aws-us-gov"}, nil},
		{"A1.3/us-gov_east", "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml", Endpoint{Partition: "aws-us-gov", Region: "us-gov-east-1"}, nil},
		{"A1.3/iso", "https://signin.c2shome.ic.gov/saml", Endpoint{Partition: "aws-iso"}, nil},
		{"A1.3/iso-b", "https://signin.sc2shome.sgov.gov/saml", Endpoint{Partition: "aws-iso-b"}, nil},
		{"A1.4/encrypted_acs", "https://eu-west-1.signin.aws.amazon.com/saml/acs/" + id, Endpoint{Partition: "aws", Region: "eu-west-1", ProviderID: id}, nil},
		{"A1.4/encrypted_acs_global", "https://signin.aws.amazon.com/saml/acs/" + id, Endpoint{Partition: "aws", Region: "us-east-1", ProviderID: id}, nil},

		{"C2.1/instance_suffix", "https://signin.aws.amazon.com/saml#2", Endpoint{}, ErrReplyURLInstance},
		{"A1.8/other_fragment", "https://signin.aws.amazon.com/saml#x", Endpoint{}, errInvalidReplyURL},
		{"A1.8/http", "http://signin.aws.amazon.com/saml", Endpoint{}, errInvalidReplyURL},
		{"A1.8/upper_scheme", "HTTPS://signin.aws.amazon.com/saml", Endpoint{}, errInvalidReplyURL},
		{"A1.8/upper_host", "https://SIGNIN.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/upper_path", "https://signin.aws.amazon.com/SAML", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_suffix_domain", "https://signin.aws.amazon.com.evil.example/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_hyphen", "https://signin-aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_prefix_label", "https://evilsignin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_in_path", "https://evil.example/signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_region_label", "https://evil-x-1.example.signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/lookalike_cn", "https://signin.amazonaws.cn.evil.example/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/userinfo", "https://user@signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/userinfo_confusion", "https://signin.aws.amazon.com@evil.example/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/port_443", "https://signin.aws.amazon.com:443/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/trailing_dot", "https://signin.aws.amazon.com./saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/trailing_slash", "https://signin.aws.amazon.com/saml/", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/query", "https://signin.aws.amazon.com/saml?x=1", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/no_path", "https://signin.aws.amazon.com", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/root_path", "https://signin.aws.amazon.com/", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/static_on_regional_not_documented", "https://eu-west-1.signin.aws.amazon.com/static/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/percent_encoded_path", "https://signin.aws.amazon.com/%73aml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/region_wrong_partition", "https://cn-north-1.signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/region_gov_in_aws", "https://us-gov-west-1.signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/regional_cn_unknown", "https://cn-north-1.signin.amazonaws.cn/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/two_region_labels", "https://eu-west-1.eu-west-2.signin.aws.amazon.com/saml", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/acs_bad_id", "https://signin.aws.amazon.com/saml/acs/short", Endpoint{}, errNotSignInEndpoint},
		{"A1.8/acs_lower_id", "https://signin.aws.amazon.com/saml/acs/" + strings.ToLower(id), Endpoint{}, errNotSignInEndpoint},
		{"A1.8/empty", "", Endpoint{}, errInvalidReplyURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSignInEndpoint(tc.in)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ParseSignInEndpoint(%q) = %+v, %v; want %v", tc.in, got, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "evil") {
					t.Fatalf("error echoes the URL: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSignInEndpoint(%q): %v", tc.in, err)
			}
			tc.want.URL = tc.in
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("ParseSignInEndpoint(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestMetadataURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		partition awsrole.Partition
		region    string
		want      string
		wantErr   error
	}{
		{"A1.4/aws_global", "aws", "", "https://signin.aws.amazon.com/static/saml-metadata.xml", nil},
		{"A1.4/aws_us-east-1", "aws", "us-east-1", "https://signin.aws.amazon.com/static/saml-metadata.xml", nil},
		{"A1.4/aws_regional", "aws", "eu-west-3", "https://eu-west-3.signin.aws.amazon.com/static/saml-metadata.xml", nil},
		{"A1.4/aws-cn", "aws-cn", "", "https://signin.amazonaws.cn/static/saml-metadata.xml", nil},
		{"A1.4/aws-cn_region", "aws-cn", "cn-north-1", "https://signin.amazonaws.cn/static/saml-metadata.xml", nil},
		{"A1.4/aws-us-gov_unknown", "aws-us-gov", "", "", errNoEndpoint},
		{"A1.4/aws-iso_unknown", "aws-iso", "", "", errNoEndpoint},
		{"A1.4/aws-iso-f_unknown", "aws-iso-f", "", "", errNoEndpoint},
		{"A1.4/bad_region", "aws", "cn-north-1", "", errInvalidRegion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := MetadataURL(tc.partition, tc.region, "")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("MetadataURL(%q, %q) = %q, %v; want %v", tc.partition, tc.region, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("MetadataURL(%q, %q) = %q, %v; want %q", tc.partition, tc.region, got, err, tc.want)
			}
		})
	}
}

func TestMetadataURLProviderID(t *testing.T) {
	t.Parallel()
	const id = "A1B2C3D4E5F6G7H8I9J0K1L2"
	tests := []struct {
		name      string
		partition awsrole.Partition
		region    string
		id        string
		want      string
		wantErr   error
	}{
		{"A1.4/regional", "aws", "eu-west-1", id, "https://eu-west-1.signin.aws.amazon.com/static/saml/" + id + "/saml-metadata.xml", nil},
		{"A1.4/global", "aws", "", id, "https://signin.aws.amazon.com/static/saml/" + id + "/saml-metadata.xml", nil},
		{"A1.4/id_64", "aws", "eu-west-1", strings.Repeat("Z", 64), "https://eu-west-1.signin.aws.amazon.com/static/saml/" + strings.Repeat("Z", 64) + "/saml-metadata.xml", nil},
		{"B1.4/id_too_short", "aws", "eu-west-1", strings.Repeat("A", 21), "", errInvalidProviderID},
		{"B1.4/id_too_long", "aws", "eu-west-1", strings.Repeat("A", 65), "", errInvalidProviderID},
		{"B1.4/id_lower_case", "aws", "eu-west-1", strings.ToLower(id), "", errInvalidProviderID},
		{"B1.4/id_path_traversal", "aws", "eu-west-1", "../../../../AAAAAAAAAAAAAAAAAAAA", "", errInvalidProviderID},
		{"A1.4/cn_unknown", "aws-cn", "", id, "", errNoEndpoint},
		{"A1.4/gov_unknown", "aws-us-gov", "", id, "", errNoEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := MetadataURL(tc.partition, tc.region, tc.id)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("MetadataURL = %q, %v; want %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("MetadataURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestSPEntityID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		partition awsrole.Partition
		want      string
		wantErr   error
	}{
		{"A1.5/aws", "aws", "urn:amazon:webservices", nil},
		{"A1.5/govcloud", "aws-us-gov", "urn:amazon:webservices:govcloud", nil},
		{"A1.5/cn_unconfirmed", "aws-cn", "", errNoEndpoint},
		{"A1.5/iso_unconfirmed", "aws-iso", "", errNoEndpoint},
		{"A1.5/iso-e_unknown", "aws-iso-e", "", errNoEndpoint},
		{"A1.5/bad_partition", "nope", "", errUnknownPartition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SPEntityID(tc.partition)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("SPEntityID(%q) = %q, %v; want %v", tc.partition, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("SPEntityID(%q) = %q, %v; want %q", tc.partition, got, err, tc.want)
			}
		})
	}
}

func TestAcceptableAudiences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		partition awsrole.Partition
		want      []string
		wantErr   error
	}{
		{"aws", []string{"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"}, nil},
		{"aws-us-gov", []string{"https://signin.amazonaws-us-gov.com/saml", "urn:amazon:webservices:govcloud"}, nil},
		{"aws-cn", []string{"https://signin.amazonaws.cn/saml"}, nil},
		{"aws-iso", []string{"https://signin.c2shome.ic.gov/saml"}, nil},
		{"aws-iso-b", []string{"https://signin.sc2shome.sgov.gov/saml"}, nil},
		{"aws-iso-e", nil, errNoEndpoint},
		{"aws-iso-f", nil, errNoEndpoint},
	}
	for _, tc := range tests {
		t.Run("A1.7/"+string(tc.partition), func(t *testing.T) {
			t.Parallel()
			got, err := acceptableAudiences(tc.partition)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, %v; want %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckAudience(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		partition awsrole.Partition
		audience  string
		wantErr   error
	}{
		{"A1.7/aws_endpoint", "aws", "https://signin.aws.amazon.com/saml", nil},
		{"A1.6/aws_endpoint_instance_2", "aws", "https://signin.aws.amazon.com/saml#2", nil},
		{"A1.7/aws_entity_id", "aws", "urn:amazon:webservices", nil},
		{"A1.7/aws_regional", "aws", "https://eu-west-1.signin.aws.amazon.com/saml", nil},
		{"A1.6/aws_regional_instance", "aws", "https://eu-west-1.signin.aws.amazon.com/saml#3", nil},
		{"A1.7/gov_entity_id", "aws-us-gov", "urn:amazon:webservices:govcloud", nil},
		{"A1.7/gov_regional", "aws-us-gov", "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml", nil},
		{"A1.7/cn_endpoint", "aws-cn", "https://signin.amazonaws.cn/saml", nil},

		{"A1.7/gov_entity_in_aws", "aws", "urn:amazon:webservices:govcloud", errAudienceMismatch},
		{"A1.7/aws_entity_in_gov", "aws-us-gov", "urn:amazon:webservices", errAudienceMismatch},
		{"A1.7/aws_endpoint_in_cn", "aws-cn", "https://signin.aws.amazon.com/saml", errAudienceMismatch},
		{"A1.7/entity_id_prefix", "aws", "urn:amazon:webservice", errAudienceMismatch},
		{"A1.7/entity_id_case", "aws", "URN:amazon:webservices", errAudienceMismatch},
		{"A1.7/static_path_not_audience", "aws", "https://signin.aws.amazon.com/static/saml", errAudienceMismatch},
		{"A1.7/encrypted_acs_not_audience", "aws", "https://signin.aws.amazon.com/saml/acs/ABCDEFGHIJKLMNOPQRSTUV", errAudienceMismatch},
		{"A1.6/port", "aws", "https://signin.aws.amazon.com:443/saml", errAudienceMismatch},
		{"A1.6/trailing_slash", "aws", "https://signin.aws.amazon.com/saml/", errAudienceMismatch},
		{"A1.6/bad_fragment", "aws", "https://signin.aws.amazon.com/saml#x", errInvalidIdentifier},
		{"A1.6/whitespace", "aws", " https://signin.aws.amazon.com/saml", errInvalidIdentifier},
		{"A1.7/iso-e", "aws-iso-e", "https://signin.aws.amazon.com/saml", errNoEndpoint},
		{"A1.7/bad_partition", "x", "https://signin.aws.amazon.com/saml", errUnknownPartition},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckAudience(tc.partition, tc.audience)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckAudience(%q, %q): %v", tc.partition, tc.audience, err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("CheckAudience(%q, %q) = %v, want %v", tc.partition, tc.audience, err, tc.wantErr)
			}
		})
	}
}

// checkRecipient is the Recipient check users write with ParseSignInEndpoint
// (its doc): the URL parses and names partition p.
func checkRecipient(p awsrole.Partition, recipient string) error {
	ep, err := ParseSignInEndpoint(recipient)
	if err != nil {
		return err
	}
	if ep.Partition != p {
		return newErr("A1.8", errNotSignInEndpoint, nil, "Recipient is a sign-in endpoint of partition "+string(ep.Partition)+", not "+string(p))
	}
	return nil
}

func TestCheckRecipient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		partition awsrole.Partition
		recipient string
		wantErr   error
	}{
		{"A1.8/global", "aws", "https://signin.aws.amazon.com/saml", nil},
		{"A1.8/regional", "aws", "https://sa-east-1.signin.aws.amazon.com/saml", nil},
		{"A1.8/static", "aws", "https://signin.aws.amazon.com/static/saml", nil},
		{"A1.8/gov", "aws-us-gov", "https://signin.amazonaws-us-gov.com/saml", nil},
		{"C2.1/instance_suffix", "aws", "https://signin.aws.amazon.com/saml#2", ErrReplyURLInstance},
		{"A1.8/other_partition", "aws-us-gov", "https://signin.aws.amazon.com/saml", errNotSignInEndpoint},
		{"A1.8/entity_id_is_not_recipient", "aws", "urn:amazon:webservices", errInvalidReplyURL},
		{"A1.8/lookalike", "aws", "https://signin.aws.amazon.com.evil.example/saml", errNotSignInEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := checkRecipient(tc.partition, tc.recipient)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckRecipient: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("checkRecipient(%q, %q) = %v, want %v", tc.partition, tc.recipient, err, tc.wantErr)
			}
		})
	}
}

// TestRecipientsOfPartition: the fixed Recipient values AWS accepts for a
// partition (its unprefixed endpoint; for aws also /static/saml) pass
// CheckRecipient; a partition without endpoint fails.
func TestRecipientsOfPartition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		partition awsrole.Partition
		want      []string
		wantErr   error
	}{
		{"aws", []string{"https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/static/saml"}, nil},
		{"aws-us-gov", []string{"https://signin.amazonaws-us-gov.com/saml"}, nil},
		{"aws-cn", []string{"https://signin.amazonaws.cn/saml"}, nil},
		{"aws-iso-b", []string{"https://signin.sc2shome.sgov.gov/saml"}, nil},
		{"aws-iso-f", nil, errNoEndpoint},
		{"", nil, errUnknownPartition},
	}
	for _, tc := range tests {
		t.Run("A1.8/"+string(tc.partition), func(t *testing.T) {
			t.Parallel()
			got, err := SignInEndpoint(tc.partition, "")
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got %v, %v; want %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want[0] {
				t.Fatalf("SignInEndpoint = %q, %v; want %q", got, err, tc.want[0])
			}
			for _, r := range tc.want {
				if err := checkRecipient(tc.partition, r); err != nil {
					t.Fatalf("checkRecipient(%q): %v", r, err)
				}
			}
		})
	}
}

func TestCheckAudienceErrorDoesNotEchoAudience(t *testing.T) {
	t.Parallel()
	err := CheckAudience(awsrole.PartitionAWS, "https://tenant-SECRET.example/saml")
	if !errors.Is(err, errAudienceMismatch) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("A1.7: %v", err)
	}
	err = checkRecipient(awsrole.PartitionAWS, "https://tenant-SECRET.example/saml")
	if !errors.Is(err, errNotSignInEndpoint) || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("A1.8: %v", err)
	}
}

// TestAWSEndpointConstants pins the module's internal copies of the aws
// partition's values (internal/awsendpoint, the defaults of the verifier, the
// test IdP and the CLI) to what this package returns for them (A1.1, A1.5), so
// that the two can never drift apart.
func TestAWSEndpointConstants(t *testing.T) {
	t.Parallel()
	if got, err := SignInEndpoint(awsrole.PartitionAWS, ""); err != nil || got != awsendpoint.GlobalSignIn {
		t.Errorf("A1.1 SignInEndpoint(aws, \"\") = %q, %v; want %q", got, err, awsendpoint.GlobalSignIn)
	}
	if got, err := SPEntityID(awsrole.PartitionAWS); err != nil || got != awsendpoint.SPEntityID {
		t.Errorf("A1.5 SPEntityID(aws) = %q, %v; want %q", got, err, awsendpoint.SPEntityID)
	}
	ep, err := ParseSignInEndpoint(awsendpoint.GlobalStaticSignIn)
	if err != nil || ep.Partition != awsrole.PartitionAWS || ep.Region != "us-east-1" {
		t.Errorf("A1.1 ParseSignInEndpoint(%q) = %+v, %v; want aws, us-east-1", awsendpoint.GlobalStaticSignIn, ep, err)
	}
}
