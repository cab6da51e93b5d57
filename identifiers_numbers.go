package phoenix

import "strings"

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

// minEmployeeDigits is the fewest digits for which the digit part of an employee number
// is looked for without its letters.
const minEmployeeDigits = 4

// employeeForms are the spellings of the client's employee number that are looked for.
type employeeForms struct {
	// compact is the number's letters and digits without separators ("e10234").
	compact string
	// digits is the digit part of a number that also has letters ("10234"), or "" when
	// the number has no letters or fewer than minEmployeeDigits digits.
	digits string
}

func ownEmployeeForms(number string) employeeForms {
	f := foldText(number)
	var compact, digits strings.Builder
	letters := false
	for i, t := range f.tokens {
		compact.WriteString(f.word(i))
		if t.digits {
			digits.WriteString(f.word(i))
		} else {
			letters = true
		}
	}

	forms := employeeForms{compact: compact.String()}
	if letters && digits.Len() >= minEmployeeDigits {
		forms.digits = digits.String()
	}
	return forms
}

// hasEmployeeNumber finds the client's employee number with any case and separators:
// "E-10234", "e10234" and "E 10234" are the same. The digits alone ("employee 10234")
// are found as a whole number.
func hasEmployeeNumber(f foldedText, own employeeForms) bool {
	// NOTE: shorter employee numbers are not checked, because they match too many
	// ordinary numbers in clinical text.
	if len(own.compact) < minEmployeeNumber {
		return false
	}

	for i := range f.tokens {
		if employeeNumberAt(f, i, own.compact) {
			return true
		}
		if own.digits != "" && employeeDigitsAt(f, i, own.digits) {
			return true
		}
	}
	return false
}

// employeeDigitsAt reports whether token i is the digit part of the employee number,
// and not part of a longer number such as "3.10234" or "10234-2".
func employeeDigitsAt(f foldedText, i int, digits string) bool {
	if !f.tokens[i].digits || f.word(i) != digits {
		return false
	}
	if i > 0 && f.tokens[i-1].digits && isNumberJoint(f.sep(i)) {
		return false
	}
	next := i + 1
	return next == len(f.tokens) || !f.tokens[next].digits || !isNumberJoint(f.sep(next))
}

// isNumberJoint reports whether sep joins two runs of digits into one number: a decimal
// point, a thousands separator, or the dash or slash of a reference number.
func isNumberJoint(sep string) bool {
	return sep == "." || sep == "," || sep == "-" || sep == "/"
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

// Numbers spelt as words.

// speltDigits are the words for single digits, as a number is read out.
var speltDigits = map[string]string{
	"zero": "0", "oh": "0", "nought": "0", "naught": "0", "one": "1", "two": "2",
	"three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
	"nine": "9",
}

// repeatWords map a word to the number of times the next digit is repeated: "double
// four" is 44.
var repeatWords = map[string]int{"double": 2, "triple": 3}

// minSpeltRun is the fewest words and digit runs in a row, at least one of them a spelt
// digit, for which a text is read again with its spelt digits as digits. The shortest
// employee number checked has three letters and digits.
const minSpeltRun = 3

// unspellDigits returns f with its spelt digits written as digits, and false when f has
// no run of minSpeltRun of them. Spelt digits separated by spaces or hyphens join into
// one number, and other short punctuation becomes a space: "oh four one two, three four
// five" reads "0412 345".
//
// NOTE: only single digits are read; "forty-two" and "twelve" are not.
func unspellDigits(f foldedText) (foldedText, bool) {
	if !hasSpeltRun(f) {
		return foldedText{}, false
	}

	var b strings.Builder
	inRun := false
	for i := 0; i < len(f.tokens); i++ {
		sep := f.sep(i)
		digits, next := speltDigitsAt(f, i)
		switch {
		case digits == "":
			b.WriteString(sep)
			b.WriteString(f.word(i))
		case inRun && isSpeltDigitSeparator(sep):
			// The same number: the digits join.
		case inRun && len(sep) <= 3:
			b.WriteByte(' ')
		default:
			b.WriteString(sep)
		}
		if digits != "" {
			b.WriteString(digits)
			i = next - 1
		}
		inRun = digits != ""
	}
	if n := len(f.tokens); n > 0 {
		b.WriteString(f.text[f.tokens[n-1].end:])
	}
	return foldText(b.String()), true
}

// hasSpeltRun reports whether f has minSpeltRun spelt digits, repeat words or runs of
// digits in a row, at least one of them spelt.
func hasSpeltRun(f foldedText) bool {
	run, spelt := 0, false
	for i, t := range f.tokens {
		isDigitWord, isRepeat := false, false
		// The words are 2 to 6 letters long: skip the look-ups for other words.
		if word := f.word(i); !t.digits && len(word) >= 2 && len(word) <= 6 {
			_, isDigitWord = speltDigits[word]
			_, isRepeat = repeatWords[word]
		}
		if !t.digits && !isDigitWord && !isRepeat {
			run, spelt = 0, false
			continue
		}
		run++
		spelt = spelt || isDigitWord
		if spelt && run >= minSpeltRun {
			return true
		}
	}
	return false
}

// speltDigitsAt returns the digits that the words at token i spell, and the index of
// the token after them. It returns "" when token i does not begin a spelt digit.
func speltDigitsAt(f foldedText, i int) (string, int) {
	word := f.word(i)
	if f.tokens[i].digits {
		return "", i + 1
	}
	if digit, ok := speltDigits[word]; ok {
		return digit, i + 1
	}

	times, ok := repeatWords[word]
	next := i + 1
	if !ok || next == len(f.tokens) || !isSpeltDigitSeparator(f.sep(next)) {
		return "", next
	}
	digit, ok := speltDigits[f.word(next)]
	if f.tokens[next].digits && len(f.word(next)) == 1 {
		digit, ok = f.word(next), true
	}
	if !ok {
		return "", next
	}
	return strings.Repeat(digit, times), next + 1
}

// isSpeltDigitSeparator reports whether sep joins two spelt digits into one number: one
// to three spaces or hyphens.
func isSpeltDigitSeparator(sep string) bool {
	if len(sep) == 0 || len(sep) > 3 {
		return false
	}
	for _, c := range []byte(sep) {
		if c != ' ' && c != '-' && c != '\t' {
			return false
		}
	}
	return true
}
