package phoenix

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ClientIdentity is the set of a client's details that the identifier check looks for
// in free text that goes to the client's organisation. Empty fields and a zero
// DateOfBirth are not checked.
type ClientIdentity struct {
	FirstName, LastName, PreferredName string
	Email, Phone, EmployeeNumber       string
	DateOfBirth                        Date
}

// Kinds of identifying detail, in the order FindIdentifiers returns them.
const (
	IdentifierName           = "name"
	IdentifierEmail          = "email address"
	IdentifierPhone          = "phone number"
	IdentifierEmployeeNumber = "employee number"
	IdentifierDateOfBirth    = "date of birth"
)

// FindIdentifiers returns the kinds of identifying detail found in text: the client's
// name, email address, phone number, employee number or date of birth, and any email
// address or Australian phone number at all. Each kind appears once, in the order of
// the Identifier constants; the result is nil when nothing is found.
func FindIdentifiers(text string, client ClientIdentity) []string {
	f := foldText(text)

	var found []string
	if hasName(f, namePatterns(client)) {
		found = append(found, IdentifierName)
	}
	if hasAnyEmail(f.text) || hasOwnEmail(f.text, client.Email) {
		found = append(found, IdentifierEmail)
	}
	if hasPhone(f, ownPhoneForms(client.Phone)) {
		found = append(found, IdentifierPhone)
	}
	if hasEmployeeNumber(f, client.EmployeeNumber) {
		found = append(found, IdentifierEmployeeNumber)
	}
	if hasDateOfBirth(f, client.DateOfBirth) {
		found = append(found, IdentifierDateOfBirth)
	}
	return found
}

// CheckFreeText returns "" when text contains no identifying detail, and otherwise a
// message for the user that names the field by its label and what to remove.
func CheckFreeText(label, text string, client ClientIdentity) string {
	found := FindIdentifiers(text, client)
	if len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("%s must not identify the client: remove the %s. "+
		"Organisations must not be able to tell who the client is.", label, joinAnd(found))
}

// joinAnd joins items as "a", "a and b" or "a, b and c".
func joinAnd(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// foldedText is text in lower case with accents removed, cut into tokens: maximal runs
// of letters or of ASCII digits. Everything between two tokens is their separator.
type foldedText struct {
	text   string
	tokens []token
}

type token struct {
	start, end int // byte offsets in foldedText.text
	digits     bool
	capital    bool // the first letter was upper case before folding
}

// word returns the folded text of token i.
func (f foldedText) word(i int) string {
	return f.text[f.tokens[i].start:f.tokens[i].end]
}

// sep returns the folded text between token i and the token before it, or the start
// of the text for token 0.
func (f foldedText) sep(i int) string {
	from := 0
	if i > 0 {
		from = f.tokens[i-1].end
	}
	return f.text[from:f.tokens[i].start]
}

// letterFolds spells letters that compatibility decomposition leaves whole.
var letterFolds = map[rune]string{
	'ø': "o", 'ł': "l", 'ß': "ss", 'æ': "ae", 'œ': "oe", 'đ': "d", 'ð': "d", 'þ': "th",
	'ı': "i",
}

// foldText decomposes s (NFKD, so that "Zoë" and "Zoe" or full-width digits and ASCII
// digits compare equal), drops the combining marks, lowers the case and cuts tokens.
func foldText(s string) foldedText {
	var b strings.Builder
	var tokens []token
	open := false

	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.M, r) {
			continue
		}
		digit := r >= '0' && r <= '9'
		letter := !digit && unicode.IsLetter(r)
		if !digit && !letter {
			open = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}

		if !open || tokens[len(tokens)-1].digits != digit {
			capital := unicode.IsUpper(r) || unicode.IsTitle(r)
			tokens = append(tokens, token{start: b.Len(), digits: digit, capital: capital})
			open = true
		}
		lower := unicode.ToLower(r)
		if folded, ok := letterFolds[lower]; ok {
			b.WriteString(folded)
		} else {
			b.WriteRune(lower)
		}
		tokens[len(tokens)-1].end = b.Len()
	}
	return foldedText{text: b.String(), tokens: tokens}
}

// Names.

// namePattern is a name as a sequence of folded words.
type namePattern struct {
	words []string
	// capitalOnly marks a one-word name that is also an everyday word ("Will",
	// "Grace", "Brown"): it matches only when written with a capital letter.
	capitalOnly bool
}

// namePatterns returns the patterns of the client's names: each name whole, with its
// parts joined ("OBrien") and each part of three letters or more ("Jones" of
// "Smith-Jones"), and the full name in both orders.
func namePatterns(client ClientIdentity) []namePattern {
	first := nameWords(client.FirstName)
	last := nameWords(client.LastName)
	preferred := nameWords(client.PreferredName)

	var patterns []namePattern
	for _, words := range [][]string{first, last, preferred} {
		patterns = append(patterns, nameForms(words)...)
	}
	for _, givenName := range [][]string{first, preferred} {
		if len(givenName) == 0 || len(last) == 0 {
			continue
		}
		patterns = append(patterns,
			namePattern{words: slices.Concat(givenName, last)},
			namePattern{words: slices.Concat(last, givenName)})
	}
	return patterns
}

func nameWords(name string) []string {
	f := foldText(name)
	var words []string
	for i, t := range f.tokens {
		if !t.digits {
			words = append(words, f.word(i))
		}
	}
	return words
}

func nameForms(words []string) []namePattern {
	if len(strings.Join(words, "")) < 2 {
		return nil
	}
	if len(words) == 1 {
		return []namePattern{{words: words, capitalOnly: everydayWords[words[0]]}}
	}

	forms := []namePattern{
		{words: words},
		{words: []string{strings.Join(words, "")}},
	}
	for _, w := range words {
		if len(w) >= 3 && !nameParticles[w] {
			forms = append(forms, namePattern{words: []string{w}, capitalOnly: everydayWords[w]})
		}
	}
	return forms
}

// nameParticles are parts of family names that are not names on their own.
var nameParticles = setOf("van", "von", "der", "den", "del", "della", "des", "dos", "das",
	"bin", "binti", "ibn", "ter", "ten", "san", "los", "las")

// everydayWords are names that are also common English words. The list is short and
// hand-picked: other names that double as words are matched in any case.
var everydayWords = setOf(
	// Given names.
	"will", "bill", "mark", "grace", "hope", "faith", "joy", "rose", "may", "june",
	"april", "august", "dawn", "summer", "autumn", "amber", "ruby", "pearl", "iris",
	"ivy", "holly", "lily", "daisy", "violet", "hazel", "penny", "sandy", "rusty",
	"drew", "guy", "ray", "gene", "frank", "jack", "art", "pat", "sue", "don", "rob",
	"max", "jay", "rod", "nick", "kit", "sunny", "honey", "melody", "destiny", "star",
	"angel", "earnest", "carol", "eve", "sage", "jade", "olive", "poppy", "heather",
	"robin", "crystal", "misty", "ginger", "chance", "chase", "grant", "hunter",
	"cliff", "dale", "glen", "heath", "lane", "wade", "reed", "rich", "sky", "storm",
	"river", "patience", "prudence", "miles", "case", "sterling", "noble", "major",
	// Family names.
	"brown", "white", "green", "black", "young", "long", "short", "small", "little",
	"king", "cook", "baker", "hill", "wood", "hall", "walker", "fisher", "bell", "bird",
	"best", "fox", "wolf", "lamb", "rice", "price", "power", "field", "ford", "marsh",
	"moss", "stone", "rock", "banks", "page", "mason", "porter", "turner", "cross",
	"hart", "swift", "sharp", "strong", "bright", "gray", "grey", "wise", "good", "gold",
	"silver", "ward", "cash", "read", "frost", "snow", "rain", "gale", "spring",
	"winter", "church", "parsons", "bishop", "carpenter", "gardener",
)

func setOf(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

func hasName(f foldedText, patterns []namePattern) bool {
	for i, t := range f.tokens {
		if t.digits {
			continue
		}
		for _, p := range patterns {
			if matchesNameAt(f, i, p) {
				return true
			}
		}
	}
	return false
}

// matchesNameAt reports whether the words of p start at token i, whole words only and
// with a short separator such as ", " or "-" between them.
func matchesNameAt(f foldedText, i int, p namePattern) bool {
	if p.capitalOnly && !f.tokens[i].capital {
		return false
	}
	for k, w := range p.words {
		j := i + k
		if j >= len(f.tokens) || f.tokens[j].digits || f.word(j) != w {
			return false
		}
		if k > 0 && len(f.sep(j)) > 4 {
			return false
		}
	}
	return true
}

// Email addresses.

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

// Phone numbers.

// maxPhoneDigits is the longest number E.164 allows.
const maxPhoneDigits = 15

// phoneForms are the digit strings that stand for the client's own phone number.
type phoneForms map[string]bool

// ownPhoneForms returns the client's number in national form ("0412345678"), without
// the trunk 0 ("412345678") and, for a landline, without the area code ("91234567").
// Numbers of fewer than 6 digits are not checked.
func ownPhoneForms(phone string) phoneForms {
	f := foldText(phone)
	var digits strings.Builder
	for i, t := range f.tokens {
		if t.digits {
			digits.WriteString(f.word(i))
		}
	}
	national := nationalNumber(digits.String(), strings.Contains(phone, "+"))
	if len(national) < 6 {
		return nil
	}

	forms := phoneForms{national: true}
	if len(national) == 10 && national[0] == '0' {
		forms[national[1:]] = true
		if strings.ContainsRune("2378", rune(national[1])) {
			forms[national[2:]] = true
		}
	}
	return forms
}

// nationalNumber turns an Australian number in international form, such as
// +61 412 345 678 or +61 (0)3 9123 4567, into national form (0412345678). It returns
// other numbers unchanged.
func nationalNumber(digits string, plus bool) string {
	if !strings.HasPrefix(digits, "61") || !plus && len(digits) != 11 {
		return digits
	}
	rest := strings.TrimPrefix(digits[2:], "0")
	return "0" + rest
}

// hasPhone looks at each run of digit groups joined by phone separators, such as
// "(03) 9123 4567", and at every stretch of whole groups in it, so that a number next
// to other numbers ("score 14 0412 345 678") is still found.
func hasPhone(f foldedText, own phoneForms) bool {
	for start := 0; start < len(f.tokens); start++ {
		if !f.tokens[start].digits {
			continue
		}
		if phoneAt(f, start, own) {
			return true
		}
	}
	return false
}

func phoneAt(f foldedText, start int, own phoneForms) bool {
	plus := strings.HasSuffix(strings.TrimRight(f.sep(start), " ("), "+")
	var digits strings.Builder

	for j := start; j < len(f.tokens) && f.tokens[j].digits; j++ {
		if j > start && !isPhoneSeparator(f.sep(j)) {
			return false
		}
		digits.WriteString(f.word(j))
		if digits.Len() > maxPhoneDigits {
			return false
		}

		n := digits.String()
		national := nationalNumber(n, plus)
		if own[national] || own[n] || isGeneralPhone(national, plus) {
			return true
		}
		if j-start == 2 && isThirteenNumber(f, start) {
			return true
		}
	}
	return false
}

// isPhoneSeparator reports whether sep may sit between two digit groups of a phone
// number: up to three spaces, dashes, dots or brackets.
func isPhoneSeparator(sep string) bool {
	if len(sep) == 0 || len(sep) > 3 {
		return false
	}
	for _, c := range []byte(sep) {
		if !strings.ContainsRune(" -.()\t", rune(c)) {
			return false
		}
	}
	return true
}

// isGeneralPhone reports whether a number in national form is an Australian mobile
// (04), a landline with its area code (02, 03, 07, 08) or a 1300 or 1800 number. A
// number written with "+" outside Australia counts when it has 8 to 15 digits.
func isGeneralPhone(national string, plus bool) bool {
	if len(national) == 10 {
		switch {
		case national[0] == '0' && strings.ContainsRune("23478", rune(national[1])):
			return true
		case strings.HasPrefix(national, "1300"), strings.HasPrefix(national, "1800"):
			return true
		}
	}
	return plus && !strings.HasPrefix(national, "0") && len(national) >= 8
}

// isThirteenNumber reports whether three groups from start read "13 xx xx", a six-digit
// Australian number. Only single spaces may separate the groups, so that dates such as
// "13.03.26" are not read as phone numbers.
func isThirteenNumber(f foldedText, start int) bool {
	return f.word(start) == "13" &&
		len(f.word(start+1)) == 2 && f.sep(start+1) == " " &&
		len(f.word(start+2)) == 2 && f.sep(start+2) == " "
}

// Employee numbers.

// minEmployeeNumber is the shortest employee number checked, in letters and digits.
const minEmployeeNumber = 3

// hasEmployeeNumber finds the client's employee number with any case and separators:
// "E-10234", "e10234" and "E 10234" are the same.
func hasEmployeeNumber(f foldedText, number string) bool {
	target := compactAlnum(number)
	// NOTE: shorter employee numbers are not checked, because they match too many
	// ordinary numbers in clinical text.
	if len(target) < minEmployeeNumber {
		return false
	}

	for i := range f.tokens {
		if employeeNumberAt(f, i, target) {
			return true
		}
	}
	return false
}

func employeeNumberAt(f foldedText, start int, target string) bool {
	rest := target
	for j := start; j < len(f.tokens); j++ {
		if j > start && !isEmployeeSeparator(f.sep(j)) {
			return false
		}
		var ok bool
		rest, ok = strings.CutPrefix(rest, f.word(j))
		if !ok {
			return false
		}
		if rest == "" {
			return true
		}
	}
	return false
}

// isEmployeeSeparator reports whether sep may sit inside an employee number: nothing
// (between letters and digits, as in "E10234") or up to two of - . / _ # and space.
func isEmployeeSeparator(sep string) bool {
	if len(sep) > 2 {
		return false
	}
	for _, c := range []byte(sep) {
		if !strings.ContainsRune(" -./_#", rune(c)) {
			return false
		}
	}
	return true
}

func compactAlnum(s string) string {
	f := foldText(s)
	var b strings.Builder
	for i := range f.tokens {
		b.WriteString(f.word(i))
	}
	return b.String()
}

// Dates of birth.

type datePart int

const (
	dayPart datePart = iota
	monthPart
	yearPart
)

// dateOrders are the orders a date is written in: 7/3/1985 and 7 March 1985,
// March 7, 1985 and 3/7/1985 (the United States order), and 1985-03-07.
var dateOrders = [][3]datePart{
	{dayPart, monthPart, yearPart},
	{monthPart, dayPart, yearPart},
	{yearPart, monthPart, dayPart},
}

var monthNames = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
	"oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var ordinalSuffixes = setOf("st", "nd", "rd", "th")

// hasDateOfBirth finds the date of birth written with its day, month and year. A day
// and month without the year, or the same day in another year, are not matched.
func hasDateOfBirth(f foldedText, dob Date) bool {
	if dob.IsZero() {
		return false
	}
	compact := setOf(
		fmt.Sprintf("%04d%02d%02d", dob.Year, int(dob.Month), dob.Day),
		fmt.Sprintf("%02d%02d%04d", dob.Day, int(dob.Month), dob.Year),
		fmt.Sprintf("%02d%02d%04d", int(dob.Month), dob.Day, dob.Year),
	)

	for i, t := range f.tokens {
		if t.digits && compact[f.word(i)] {
			return true
		}
		for _, order := range dateOrders {
			if dateAt(f, i, order, dob) {
				return true
			}
		}
	}
	return false
}

func dateAt(f foldedText, i int, order [3]datePart, dob Date) bool {
	next := i
	for k, part := range order {
		if k > 0 {
			if next >= len(f.tokens) || !isDateSeparator(f.sep(next)) {
				return false
			}
			// "7th of March 1985"
			if order[k-1] == dayPart && part == monthPart && f.word(next) == "of" {
				next++
				if next >= len(f.tokens) || !isDateSeparator(f.sep(next)) {
					return false
				}
			}
		}
		var ok bool
		next, ok = datePartAt(f, next, part, dob)
		if !ok {
			return false
		}
	}
	return true
}

// datePartAt matches one part of the date of birth at token i and returns the index
// of the token after it. A year comes as four digits or two.
func datePartAt(f foldedText, i int, part datePart, dob Date) (int, bool) {
	word := f.word(i)
	digits := f.tokens[i].digits
	switch part {
	case dayPart:
		if !digits || len(word) > 2 || atoi(word) != dob.Day {
			return i, false
		}
		if i+1 < len(f.tokens) && f.sep(i+1) == "" && ordinalSuffixes[f.word(i+1)] {
			return i + 2, true
		}
		return i + 1, true
	case monthPart:
		if digits && len(word) <= 2 && atoi(word) == int(dob.Month) {
			return i + 1, true
		}
		return i + 1, !digits && monthNames[word] == int(dob.Month)
	default:
		if !digits {
			return i, false
		}
		long := len(word) == 4 && atoi(word) == dob.Year
		short := len(word) == 2 && atoi(word) == dob.Year%100
		return i + 1, long || short
	}
}

// isDateSeparator reports whether sep may sit between the parts of a date: up to three
// of space, slash, dot, dash and comma, as in "7/3/1985" or "March 7, 1985".
func isDateSeparator(sep string) bool {
	if len(sep) == 0 || len(sep) > 3 {
		return false
	}
	for _, c := range []byte(sep) {
		if !strings.ContainsRune(" /.-,\t", rune(c)) {
			return false
		}
	}
	return true
}

// atoi returns the value of a short run of ASCII digits, or -1.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
