package phoenix

import (
	"regexp"
	"strings"
)

const (
	emailLocal = `[a-z0-9._%+'-]+`
	emailLabel = `[a-z0-9-]+`
	emailTLD   = `(?:com|net|org|edu|gov|au|nz|uk|io|co|info|biz|me|id)\b`
	// bracketAt and bracketDot are "@" and "." written as "[at]", "(at)", "{dot}" and
	// the like.
	bracketAt  = `\s*[\[({<]\s*at\s*[\])}>]\s*`
	bracketDot = `\s*[\[({<]\s*dot\s*[\])}>]\s*`
	spelledDot = `(?:` + bracketDot + `|\s+dot\s+)`
	anyDot     = `(?:` + spelledDot + `|\.)`
)

var (
	// plainEmail is an ordinary address, with a space allowed either side of "@".
	plainEmail = regexp.MustCompile(emailLocal + `\s?@\s?` + emailLabel +
		`(?:\.` + emailLabel + `)*\.[a-z]{2,}`)

	// bracketEmail is an address with "@" written as "[at]" or "(at)".
	bracketEmail = regexp.MustCompile(emailLocal + bracketAt + emailLabel +
		`(?:` + anyDot + emailLabel + `)*` + anyDot + emailTLD)

	// wordEmail is "jane at example dot com". The word "at" needs at least one dot
	// spelt out, so that "resources at beyondblue.org.au" is read as a website.
	wordEmail = regexp.MustCompile(`\b` + emailLocal + `\s+at\s+` +
		`(?:` + emailLabel + anyDot + `)*` + emailLabel + spelledDot +
		`(?:` + emailLabel + anyDot + `)*` + emailTLD)

	// spelledAtForms and spelledDotForms turn spelt-out addresses back into plain ones
	// to compare them with the client's own.
	spelledAtForms  = regexp.MustCompile(`\s*(?:[\[({<]\s*at\s*[\])}>]|\bat\b|@)\s*`)
	spelledDotForms = regexp.MustCompile(`\s*(?:[\[({<]\s*dot\s*[\])}>]|\bdot\b|\.)\s*`)
)

// hasAnyEmail runs each pattern only when the text contains the "@", "at" or "dot" that
// it needs, because the patterns cost most of the check's time.
func hasAnyEmail(folded string) bool {
	if strings.Contains(folded, "@") && plainEmail.MatchString(folded) {
		return true
	}
	if hasBracketedAt(folded) && bracketEmail.MatchString(folded) {
		return true
	}
	return strings.Contains(folded, "dot") && wordEmail.MatchString(folded)
}

// hasBracketedAt reports whether text contains "at" right after an opening bracket, as in
// "[at]" or "( at )".
func hasBracketedAt(text string) bool {
	for i := 0; i < len(text); i++ {
		if !strings.ContainsRune("[({<", rune(text[i])) {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(text[i+1:], " \t"), "at") {
			return true
		}
	}
	return false
}

// hasOwnEmail finds the client's address in any spelling of "@" and ".", such as
// "jane.citizen at example dot com", even with a top-level domain that hasAnyEmail
// does not know.
func hasOwnEmail(folded, email string) bool {
	ownFolded := foldText(strings.TrimSpace(email))
	own := unspellEmail(ownFolded.text)
	if !strings.Contains(own, "@") {
		return false
	}

	// Spelling out "@" and "." keeps the letters and digits of the address, so a text
	// that lacks any of them cannot contain it.
	for i := range ownFolded.tokens {
		if !strings.Contains(folded, ownFolded.word(i)) {
			return false
		}
	}
	text := unspellEmail(folded)

	for from := 0; ; {
		at := strings.Index(text[from:], own)
		if at < 0 {
			return false
		}
		start, end := from+at, from+at+len(own)
		if emailBoundary(text, start, end) {
			return true
		}
		from = start + 1
	}
}

func unspellEmail(s string) string {
	s = spelledAtForms.ReplaceAllLiteralString(s, "@")
	return spelledDotForms.ReplaceAllLiteralString(s, ".")
}

// emailBoundary reports whether text[start:end] is a whole address, not part of a
// longer one such as "xjane@example.com" or "jane@example.com.au".
func emailBoundary(text string, start, end int) bool {
	if start > 0 && strings.ContainsRune("abcdefghijklmnopqrstuvwxyz0123456789._%+-'",
		rune(text[start-1])) {
		return false
	}
	if end == len(text) {
		return true
	}
	next := text[end]
	if isASCIIAlnum(next) || next == '-' {
		return false
	}
	return next != '.' || end+1 == len(text) || !isASCIIAlnum(text[end+1])
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
