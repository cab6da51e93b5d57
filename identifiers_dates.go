package phoenix

import (
	"fmt"
	"strings"
)

type datePart int

const (
	dayPart datePart = iota
	monthPart
	yearPart
)

// dateOrders are the orders a date is written in: 7/3/1985 and 7 March 1985,
// March 7, 1985 and 3/7/1985 (the United States order), and 1985-03-07.
var dateOrders = [][]datePart{
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

// dayMonthOrders are the orders a day and month are written in without a year: 7 March,
// March 7th, 7/3 and the United States order 3/7.
var dayMonthOrders = [][]datePart{
	{dayPart, monthPart},
	{monthPart, dayPart},
}

var ordinalSuffixes = setOf("st", "nd", "rd", "th")

// birthWords are words that mark a date or year near them as a date of birth. The
// abbreviation "d.o.b." is found by isDOBAbbreviation.
var birthWords = setOf("born", "birth", "birthday", "birthdays", "birthdate", "dob", "bday")

// birthWordReach is how many words away from a date or year a birth word may be, as in
// "born on the 7th of March" or "born in Perth in 1985". Each word, number and ordinal
// suffix counts as one.
const birthWordReach = 6

// hasDateOfBirth finds the date of birth written with its day, month and year, and the
// day and month or the year alone near a birth word. The same day in another year is
// not matched.
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
			if _, ok := dateAt(f, i, order, dob); ok {
				return true
			}
		}
	}
	return hasPartialDateOfBirth(f, dob)
}

// dateAt matches the parts of the date of birth in order from token i, and returns the
// index of the token after them.
func dateAt(f foldedText, i int, order []datePart, dob Date) (int, bool) {
	next := i
	for k, part := range order {
		if k > 0 {
			if next >= len(f.tokens) || !isDateSeparator(f.sep(next)) {
				return i, false
			}
			// "7th of March 1985"
			if order[k-1] == dayPart && part == monthPart && f.word(next) == "of" {
				next++
				if next >= len(f.tokens) || !isDateSeparator(f.sep(next)) {
					return i, false
				}
			}
		}
		var ok bool
		next, ok = datePartAt(f, next, part, dob)
		if !ok {
			return i, false
		}
	}
	return next, true
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

// Partial dates of birth.

// hasPartialDateOfBirth finds the day and month of birth without a year ("born 7
// March", "DOB 07/03") and the year of birth alone ("born in 1985") when a birth word is
// at most birthWordReach words away. Without a birth word they pass: "7 March" is an
// ordinary date.
//
// NOTE: ages ("aged 41", "41 years old") are not checked, because FindIdentifiers has
// no current date to work out the client's age from.
func hasPartialDateOfBirth(f foldedText, dob Date) bool {
	marks := birthWordTokens(f)
	if len(marks) == 0 {
		return false
	}

	for i := range f.tokens {
		for _, order := range dayMonthOrders {
			end, ok := dateAt(f, i, order, dob)
			if ok && !besideYear(f, i, end) && isNear(marks, i, end-1) {
				return true
			}
		}
		if isBirthYearAt(f, i, dob) && isNear(marks, i, i) {
			return true
		}
	}
	return false
}

// birthWordTokens returns the indexes of the tokens of f that are birth words.
func birthWordTokens(f foldedText) []int {
	var marks []int
	for i, t := range f.tokens {
		if !t.digits && (birthWords[f.word(i)] || isDOBAbbreviation(f, i)) {
			marks = append(marks, i)
		}
	}
	return marks
}

// isDOBAbbreviation reports whether "d.o.b" or "D. O. B." begins at token i.
func isDOBAbbreviation(f foldedText, i int) bool {
	if i+2 >= len(f.tokens) || f.word(i) != "d" || f.word(i+1) != "o" || f.word(i+2) != "b" {
		return false
	}
	for _, j := range []int{i + 1, i + 2} {
		if sep := f.sep(j); sep != "." && sep != ". " {
			return false
		}
	}
	return true
}

// isNear reports whether a mark is at most birthWordReach tokens before first or
// after last.
func isNear(marks []int, first, last int) bool {
	for _, m := range marks {
		if m >= first-birthWordReach && m <= last+birthWordReach {
			return true
		}
	}
	return false
}

// besideYear reports whether a year is written next to the day and month in tokens
// start to end-1, as in "7 March 2026" or "2026/03/07": then they belong to a full
// date, which hasDateOfBirth matches only in the year of birth.
func besideYear(f foldedText, start, end int) bool {
	if end < len(f.tokens) && f.tokens[end].digits && isDateSeparator(f.sep(end)) {
		word := f.word(end)
		if len(word) == 4 || len(word) == 2 && !strings.Contains(f.sep(end), " ") {
			return true
		}
	}
	return start > 0 && f.tokens[start-1].digits && len(f.word(start-1)) == 4 &&
		isDateSeparator(f.sep(start))
}

// isBirthYearAt reports whether token i is the year of birth in four digits, or in two
// after an apostrophe ("born in '85").
func isBirthYearAt(f foldedText, i int, dob Date) bool {
	if !f.tokens[i].digits {
		return false
	}
	word := f.word(i)
	if len(word) == 4 {
		return atoi(word) == dob.Year
	}
	sep := f.sep(i)
	apostrophe := strings.HasSuffix(sep, "'") || strings.HasSuffix(sep, "’")
	return len(word) == 2 && apostrophe && atoi(word) == dob.Year%100
}
