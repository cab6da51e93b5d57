package phoenix

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/unicode/norm"
)

// CleanText returns s without invisible characters and without the white space at its
// ends, so that text made only of spaces and invisible characters is empty. Invisible
// characters are the format characters (Unicode category Cf, such as zero-width spaces
// and joiners, the soft hyphen and bidirectional controls), variation selectors and the
// other default-ignorable code points, such as the Hangul filler. They are removed
// everywhere, so that what is stored is what the identifier check read.
//
// NOTE: removing joiners splits emoji sequences (a family emoji becomes its people), and
// removing the zero-width non-joiner changes how some Persian and Indic words are drawn.
func CleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimFunc(s, isBlank)
}

// isInvisible reports whether r draws nothing and is not a space: a format character
// (category Cf), a variation selector or another default-ignorable code point.
func isInvisible(r rune) bool {
	if r < 0x80 {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector,
		unicode.Other_Default_Ignorable_Code_Point)
}

// isBlank reports whether r is white space or U+2800 BRAILLE PATTERN BLANK, which draws
// as an empty cell although Unicode does not class it as a space.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u2800'
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

// latinLookalikes maps letters of other scripts that look like Latin letters to those
// letters, so that "Rubу" written with a Cyrillic у reads as "Ruby". The idea comes from
// the Unicode confusables data
// (https://www.unicode.org/Public/security/latest/confusables.txt), but this table is a
// short hand-picked list of the common look-alikes, not that data. Keys keep their case
// because the same letter can look Latin in one case only: Cyrillic Н is H, but н is not.
var latinLookalikes = map[rune]rune{
	// Cyrillic small а е о р с у х і ј ѕ ԁ һ ԛ ԝ ү ӏ.
	'\u0430': 'a', '\u0435': 'e', '\u043E': 'o', '\u0440': 'p', '\u0441': 'c',
	'\u0443': 'y', '\u0445': 'x', '\u0456': 'i', '\u0458': 'j', '\u0455': 's',
	'\u0501': 'd', '\u04BB': 'h', '\u051B': 'q', '\u051D': 'w', '\u04AF': 'y',
	'\u04CF': 'l',
	// Cyrillic capital А В Е К М Н О Р С Т У Х І Ј Ѕ Ԛ Ԝ Ү Ӏ.
	'\u0410': 'A', '\u0412': 'B', '\u0415': 'E', '\u041A': 'K', '\u041C': 'M',
	'\u041D': 'H', '\u041E': 'O', '\u0420': 'P', '\u0421': 'C', '\u0422': 'T',
	'\u0423': 'Y', '\u0425': 'X', '\u0406': 'I', '\u0408': 'J', '\u0405': 'S',
	'\u051A': 'Q', '\u051C': 'W', '\u04AE': 'Y', '\u04C0': 'I',
	// Greek capital Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ.
	'\u0391': 'A', '\u0392': 'B', '\u0395': 'E', '\u0396': 'Z', '\u0397': 'H',
	'\u0399': 'I', '\u039A': 'K', '\u039C': 'M', '\u039D': 'N', '\u039F': 'O',
	'\u03A1': 'P', '\u03A4': 'T', '\u03A5': 'Y', '\u03A7': 'X',
	// Greek small α γ ε ι κ ν ο ρ τ υ χ ϲ ϳ.
	'\u03B1': 'a', '\u03B3': 'y', '\u03B5': 'e', '\u03B9': 'i', '\u03BA': 'k',
	'\u03BD': 'v', '\u03BF': 'o', '\u03C1': 'p', '\u03C4': 't', '\u03C5': 'u',
	'\u03C7': 'x', '\u03F2': 'c', '\u03F3': 'j',
	// Latin alpha, script g and iota ɑ ɡ ɩ, and Armenian հ ո ս օ.
	'\u0251': 'a', '\u0261': 'g', '\u0269': 'i',
	'\u0570': 'h', '\u0578': 'n', '\u057D': 'u', '\u0585': 'o',
}

// foldText decomposes s (NFKD, so that "Zoë" and "Zoe" or full-width digits and ASCII
// digits compare equal), drops invisible characters and combining marks, reads
// look-alike letters as Latin, lowers the case and cuts tokens.
func foldText(s string) foldedText {
	var b strings.Builder
	var tokens []token
	open := false

	for _, r := range norm.NFKD.String(s) {
		// ASCII has no invisible characters, marks or look-alikes: skip the look-ups.
		if r >= 0x80 {
			if isInvisible(r) || unicode.Is(unicode.M, r) {
				continue
			}
			if latin, ok := latinLookalikes[r]; ok {
				r = latin
			}
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
		folded, ok := "", false
		if lower >= 0x80 {
			folded, ok = letterFolds[lower]
		}
		if ok {
			b.WriteString(folded)
		} else {
			b.WriteRune(lower)
		}
		tokens[len(tokens)-1].end = b.Len()
	}
	return foldedText{text: b.String(), tokens: tokens}
}

// Right-to-left text.

// hasRightToLeft reports whether text contains a character that can make part of it
// display right to left. These are the right-to-left embedding, override and isolate
// controls (U+202B, U+202E, U+2067) and the characters of bidirectional class R or AL.
// Those classes include Hebrew and Arabic letters and the right-to-left marks.
func hasRightToLeft(text string) bool {
	for _, r := range text {
		if r < 0x0590 {
			continue
		}
		if r == '\u202B' || r == '\u202E' || r == '\u2067' {
			return true
		}
		props, _ := bidi.LookupRune(r)
		if class := props.Class(); class == bidi.R || class == bidi.AL {
			return true
		}
	}
	return false
}

// reverseRunes returns text with its characters in reverse order and brackets
// mirrored, as a right-to-left override displays it.
func reverseRunes(text string) string {
	return bidi.ReverseString(text)
}

// reverseWords returns the words of text in reverse order, as a right-to-left isolate
// displays numbers separated by spaces: "838 154 0428" shows as "0428 154 838".
func reverseWords(text string) string {
	words := strings.Fields(text)
	slices.Reverse(words)
	return strings.Join(words, " ")
}

func setOf(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// atoi returns the value of a short run of ASCII digits, or -1.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
