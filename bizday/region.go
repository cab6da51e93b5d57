package bizday

import (
	"fmt"
	"strings"
	"time"

	"github.com/phoenix-eap/phoenix"
)

// Region is the code of a holiday region: a state or territory, or a local area whose
// public holidays differ from the rest of its state.
type Region string

// The holiday regions. VIC excludes Melbourne Cup day because many regional Victorian
// councils substitute another day for it. VICMelbourne (metropolitan Melbourne)
// includes it. QLDBrisbane adds the Royal Queensland Show holiday of the Brisbane City
// Council area. TAS has the statewide holidays only.
const (
	ACT          Region = "ACT"
	NSW          Region = "NSW"
	NT           Region = "NT"
	QLD          Region = "QLD"
	QLDBrisbane  Region = "QLD-BNE"
	SA           Region = "SA"
	TAS          Region = "TAS"
	VIC          Region = "VIC"
	VICMelbourne Region = "VIC-MEL"
	WA           Region = "WA"
)

// RegionInfo describes a holiday region for forms and settings pages.
type RegionInfo struct {
	Code Region
	Name string

	// TimeZone is the IANA zone that organisations in the region use by default.
	// The ACT uses Australia/Sydney because Australia/Canberra is only a link to it in
	// the tz database.
	TimeZone string
}

var regions = []RegionInfo{
	{ACT, "Australian Capital Territory", "Australia/Sydney"},
	{NSW, "New South Wales", "Australia/Sydney"},
	{NT, "Northern Territory", "Australia/Darwin"},
	{QLD, "Queensland", "Australia/Brisbane"},
	{QLDBrisbane, "Queensland: Brisbane City Council area", "Australia/Brisbane"},
	{SA, "South Australia", "Australia/Adelaide"},
	{TAS, "Tasmania (statewide holidays only)", "Australia/Hobart"},
	{VIC, "Victoria (without Melbourne Cup day)", "Australia/Melbourne"},
	{VICMelbourne, "Victoria: metropolitan Melbourne", "Australia/Melbourne"},
	{WA, "Western Australia", "Australia/Perth"},
}

// Regions returns every holiday region, sorted by code.
func Regions() []RegionInfo {
	return append([]RegionInfo(nil), regions...)
}

// ParseRegion returns the region with the given code, ignoring case and surrounding
// spaces. The error has code EINVALID and lists the allowed codes.
func ParseRegion(code string) (Region, error) {
	want := strings.ToUpper(strings.TrimSpace(code))
	for _, info := range regions {
		if string(info.Code) == want {
			return info.Code, nil
		}
	}
	return "", phoenix.Errorf(phoenix.EINVALID,
		"Invalid holiday region %q: use one of %s.", code, regionCodes())
}

// Info returns the description of r, or false when r is not a known region.
func (r Region) Info() (RegionInfo, bool) {
	for _, info := range regions {
		if info.Code == r {
			return info, true
		}
	}
	return RegionInfo{}, false
}

// Location loads the default time zone of r from the tz database.
func (r Region) Location() (*time.Location, error) {
	info, ok := r.Info()
	if !ok {
		return nil, unknownRegion(r)
	}
	loc, err := time.LoadLocation(info.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone of region %s: %w", r, err)
	}
	return loc, nil
}

func unknownRegion(r Region) error {
	return phoenix.Errorf(phoenix.EINVALID,
		"Unknown holiday region %q: use one of %s.", string(r), regionCodes())
}

func regionCodes() string {
	codes := make([]string, len(regions))
	for i, info := range regions {
		codes[i] = string(info.Code)
	}
	return strings.Join(codes, ", ")
}
