// Package bizday computes business days and the due dates of extra sessions requests for
// Australian organisations.
//
// A business day is a weekday that is neither a public holiday of the organisation's
// holiday region nor a closure day added by an administrator. Public holidays come from
// github.com/rickar/cal/v2 (package au), corrected by the rules in definitions.go and the
// dated rows in corrections.tsv. Each correction names its public source, and
// docs/holidays.md lists which official lists were checked for which years.
//
// Holidays for a region and year are computed once and cached, so a Calendar is cheap to
// create per request and safe for concurrent use.
package bizday
