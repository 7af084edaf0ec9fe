package samlcreds

// ValidateAssertion is validateAssertion, for the fuzz test and benchmark of
// the external test package.
var ValidateAssertion = validateAssertion
