// Package federation holds the identifiers, endpoints and trust rules that tie
// an Entra ID enterprise application to AWS. See the package documentation
// for details.
package federation
