package phoenix

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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

// Names split by spaces or punctuation.

// minSplitNameLetters is the shortest name, in letters, looked for across word breaks.
// Shorter names are spelt by too many pairs of ordinary words: "grub yard" contains
// "ruby". First names on their own are not looked for either, for the same reason.
const minSplitNameLetters = 6

// splitName is a name as one run of folded letters, looked for in the letters of a text
// with everything else removed, so that "R u b y G a l l o w a y" and "Gal-loway" are
// found.
type splitName struct {
	letters string
	// lastNameOnly marks the last name on its own. It matches only across a break that
	// ordinary words do not make, so that "a new man" does not match a client named Newman.
	lastNameOnly bool
}

// splitNamePatterns returns the full name (first and last, preferred and last) in both
// orders and spelt backwards, and the last name when it has minSplitNameLetters letters
// or more, also backwards. A name spelt backwards is almost never an ordinary word, so it
// needs no break ("yawollaG ybuR" is "Ruby Galloway" reversed).
func splitNamePatterns(client ClientIdentity) []splitName {
	first := strings.Join(nameWords(client.FirstName), "")
	last := strings.Join(nameWords(client.LastName), "")
	preferred := strings.Join(nameWords(client.PreferredName), "")

	var patterns []splitName
	for _, givenName := range []string{first, preferred} {
		full := givenName + last
		if givenName == "" || last == "" || utf8.RuneCountInString(full) < minSplitNameLetters {
			continue
		}
		patterns = append(patterns,
			splitName{letters: full},
			splitName{letters: last + givenName},
			splitName{letters: reverseRunes(full)})
	}
	if utf8.RuneCountInString(last) >= minSplitNameLetters {
		patterns = append(patterns,
			splitName{letters: last, lastNameOnly: true},
			splitName{letters: reverseRunes(last)})
	}
	return patterns
}

// hasSplitName looks for the patterns in the letters of f with everything else removed.
// A match must begin at the start of a word and end at the end of one, so that "was
// smart in" does not match a client named Martin.
func hasSplitName(f foldedText, patterns []splitName) bool {
	for i, t := range f.tokens {
		if t.digits {
			continue
		}
		for _, p := range patterns {
			if splitNameAt(f, i, p) {
				return true
			}
		}
	}
	return false
}

// splitNameAt reports whether the letters of the words from token i on spell p, skipping
// any digits between them.
func splitNameAt(f foldedText, i int, p splitName) bool {
	rest := p.letters
	words := 0
	for j := i; j < len(f.tokens); j++ {
		if f.tokens[j].digits {
			continue
		}
		var ok bool
		rest, ok = strings.CutPrefix(rest, f.word(j))
		if !ok {
			return false
		}
		words++
		if rest != "" {
			continue
		}

		if !p.lastNameOnly {
			return true
		}
		// One word is the whole last name, which hasName checks with its rule for
		// names that are everyday words.
		return words > 1 && hasUnusualBreak(f, i, j)
	}
	return false
}

// hasUnusualBreak reports whether the words from token first to token last are joined
// in a way that ordinary prose is not. That is punctuation or digits with no space
// ("Gal-loway", "Gal.loway"), or two words or more of a single letter ("G a l l o w a y").
func hasUnusualBreak(f foldedText, first, last int) bool {
	singles := 0
	previous := -1
	for j := first; j <= last; j++ {
		if f.tokens[j].digits {
			continue
		}
		if utf8.RuneCountInString(f.word(j)) == 1 {
			singles++
		}
		if previous >= 0 {
			between := f.text[f.tokens[previous].end:f.tokens[j].start]
			if !strings.ContainsFunc(between, unicode.IsSpace) {
				return true
			}
		}
		previous = j
	}
	return singles >= 2
}
