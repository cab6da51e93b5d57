package bizday

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/au"
)

// definition is one recurring public holiday of a region.
type definition struct {
	holiday *cal.Holiday

	// confirmedUntil is the last year whose date has been published. Dates of later
	// years are marked provisional. Zero means the rule fixes the date in every year.
	confirmedUntil int
}

// Recurring corrections to rickar/cal v2.1.32 (package au). docs/holidays.md lists each
// one with its source. One-off dates are in corrections.tsv instead.
var (
	anzacDay = au.AnzacDay.Clone(&cal.Holiday{Name: "Anzac Day"})

	// The library moves a Saturday Anzac Day to Monday in the ACT. The ACT Government
	// announced the Monday after Saturday 25 April 2026 as a one-off (corrections.tsv),
	// so only a Sunday Anzac Day moves by rule here.
	anzacSundayToMonday  = au.AnzacDayNtQldSa.Clone(&cal.Holiday{Name: "Anzac Day"})
	anzacWeekendToMonday = au.AnzacDayActWa.Clone(&cal.Holiday{Name: "Anzac Day"})

	// South Australia's Public Holidays Act 2023 (in force 1 January 2024) dropped the
	// Monday after a Sunday Anzac Day.
	// NOTE: only Business SA states this, and no official SA list for 2027, the next
	// Sunday Anzac Day, was found; Monday 26 April 2027 is a business day here.
	anzacSouthAustralia1910 = au.AnzacDayNtQldSa.Clone(&cal.Holiday{
		Name: "Anzac Day", EndYear: 2023})
	anzacSouthAustralia2024 = au.AnzacDay.Clone(&cal.Holiday{
		Name: "Anzac Day", StartYear: 2024})

	// The sovereign's birthday holiday kept the Queen's name until the end of 2022.
	queensBirthday    = au.QueensBirthday.Clone(&cal.Holiday{EndYear: 2022})
	kingsBirthday     = au.QueensBirthday.Clone(&cal.Holiday{Name: "King's Birthday", StartYear: 2023})
	queensBirthdayQLD = au.QueensBirthdayQld.Clone(&cal.Holiday{EndYear: 2022})
	kingsBirthdayQLD  = au.QueensBirthdayQld.Clone(&cal.Holiday{
		Name: "King's Birthday", StartYear: 2023})

	labourDayQLD = au.LabourDayNtQld.Clone(&cal.Holiday{Name: "Labour Day"})
	mayDayNT     = au.LabourDayNtQld.Clone(&cal.Holiday{Name: "May Day"})
	adelaideCup  = au.MarchPublicHoliday.Clone(&cal.Holiday{Name: "Adelaide Cup Day"})

	// Easter Sunday is a public holiday in the NT and WA from 2022 and in SA from 2024.
	// It always falls on a Sunday, so it changes no business day.
	easterSunday2022 = au.EasterSunday.Clone(&cal.Holiday{StartYear: 2022})
	easterSunday2024 = au.EasterSunday.Clone(&cal.Holiday{StartYear: 2024})

	// The library moves Christmas Day on a Sunday to Monday and then Boxing Day to
	// Tuesday. The statutes keep Boxing Day on Monday and add Tuesday for Christmas,
	// which gives the same dates under the names the official lists use.
	christmasDay = au.ChristmasDay.Clone(&cal.Holiday{Observed: []cal.AltDay{
		{Day: time.Saturday, Offset: 2},
		{Day: time.Sunday, Offset: 2},
	}})
	boxingDay = au.BoxingDay.Clone(&cal.Holiday{Observed: []cal.AltDay{
		{Day: time.Saturday, Offset: 2},
		{Day: time.Sunday, Offset: 2},
	}})
	proclamationDay = boxingDay.Clone(&cal.Holiday{Name: "Proclamation Day"})

	mourningDay = au.MourningDay2022.Clone(&cal.Holiday{
		Name: "National Day of Mourning for Queen Elizabeth II"})

	// The Royal Queensland Show starts on the first Friday of August, or the second
	// when the first falls before 5 August, and its holiday is the Wednesday after the
	// start: always the first Wednesday on or after 10 August.
	royalQueenslandShow = &cal.Holiday{
		Name:    "Royal Queensland Show",
		Type:    cal.ObservancePublic,
		Month:   time.August,
		Day:     10,
		Weekday: time.Wednesday,
		Offset:  1,
		Func:    cal.CalcWeekdayFrom,
	}
)

// Last years with published dates. The Victorian Government sets the AFL Grand Final
// Friday once the AFL fixes the Grand Final. WA proclaims the King's Birthday each year,
// and a bill introduced in 2025 would move Labour Day, WA Day and the King's Birthday
// from 2028.
const (
	aflConfirmedUntil = 2025
	waConfirmedUntil  = 2027
)

// byRule wraps a holiday whose rule fixes its date in every year, so that no year of it
// is provisional.
func byRule(h *cal.Holiday) definition { return definition{holiday: h} }

// common returns the holidays that every region has, with the region's own Anzac Day and
// Boxing Day rules.
func common(anzac *cal.Holiday, boxing *cal.Holiday) []definition {
	return []definition{
		byRule(au.NewYear),
		byRule(au.AustraliaDay),
		byRule(au.GoodFriday),
		byRule(au.EasterMonday),
		byRule(anzac),
		byRule(mourningDay),
		byRule(christmasDay),
		byRule(boxing),
	}
}

var definitions = map[Region][]definition{
	ACT: append(common(anzacSundayToMonday, boxingDay),
		byRule(au.EasterSaturday),
		byRule(au.EasterSunday),
		byRule(au.CanberraDay),
		byRule(au.ReconciliationDay),
		byRule(queensBirthday),
		byRule(kingsBirthday),
		byRule(au.LabourDayActNswSa),
	),
	NSW: append(common(anzacDay, boxingDay),
		byRule(au.EasterSaturday),
		byRule(au.EasterSunday),
		byRule(queensBirthday),
		byRule(kingsBirthday),
		byRule(au.LabourDayActNswSa),
	),
	NT: append(common(anzacSundayToMonday, boxingDay),
		byRule(au.EasterSaturday),
		byRule(easterSunday2022),
		byRule(mayDayNT),
		byRule(queensBirthday),
		byRule(kingsBirthday),
		byRule(au.PicnicDay),
	),
	QLD:         queenslandDefinitions(),
	QLDBrisbane: append(queenslandDefinitions(), byRule(royalQueenslandShow)),
	SA: append(common(anzacSouthAustralia1910, proclamationDay),
		byRule(anzacSouthAustralia2024),
		byRule(au.EasterSaturday),
		byRule(easterSunday2024),
		byRule(adelaideCup),
		byRule(queensBirthday),
		byRule(kingsBirthday),
		byRule(au.LabourDayActNswSa),
	),
	TAS: append(common(anzacDay, boxingDay),
		byRule(au.LabourDayTas),
		byRule(queensBirthday),
		byRule(kingsBirthday),
	),
	VIC:          victoriaDefinitions(),
	VICMelbourne: append(victoriaDefinitions(), byRule(au.MelbourneCup)),
	WA: append(common(anzacWeekendToMonday, boxingDay),
		byRule(easterSunday2022),
		definition{au.LabourDayWa, waConfirmedUntil},
		definition{au.WesternAustraliaDay, waConfirmedUntil},
		byRule(au.QueensBirthdayWa),
		definition{au.KingsBirthdayWa, waConfirmedUntil},
	),
}

func queenslandDefinitions() []definition {
	return append(common(anzacSundayToMonday, boxingDay),
		byRule(au.EasterSaturday),
		byRule(au.EasterSunday),
		byRule(labourDayQLD),
		byRule(queensBirthdayQLD),
		byRule(kingsBirthdayQLD),
	)
}

func victoriaDefinitions() []definition {
	return append(common(anzacDay, boxingDay),
		byRule(au.EasterSaturday),
		byRule(au.EasterSunday),
		byRule(au.LabourDayVic),
		byRule(queensBirthday),
		byRule(kingsBirthday),
		definition{au.FridayBeforeAflFinal, aflConfirmedUntil},
	)
}
