package metadata

import (
	"encoding/xml"

	crewjam "github.com/crewjam/saml"
)

// Crewjam returns the document's root EntityDescriptor as crewjam/saml's type,
// for handing metadata this package fetched and verified to a crewjam
// ServiceProvider (its IDPMetadata field). It decodes the same bytes Parse
// read (BOM removed). Aggregates are an error of Kind ErrInvalidOption; use
// [Document.Entities] and pick one.
func (d *Document) Crewjam() (*crewjam.EntityDescriptor, error) {
	if d.Entity == nil {
		return nil, newErr(ErrInvalidOption, "", "Crewjam needs a single-entity document", nil)
	}
	var e crewjam.EntityDescriptor
	if err := xml.Unmarshal(d.raw, &e); err != nil {
		return nil, newErr(ErrMalformed, "", "crewjam/saml cannot decode the document", err)
	}
	return &e, nil
}
