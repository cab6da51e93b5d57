package bizday

import (
	"strings"
	"testing"
	"time"

	"github.com/phoenix-eap/phoenix"
)

func TestRegions(t *testing.T) {
	want := map[Region]string{
		ACT: "Australia/Sydney", NSW: "Australia/Sydney", NT: "Australia/Darwin",
		QLD: "Australia/Brisbane", QLDBrisbane: "Australia/Brisbane", SA: "Australia/Adelaide",
		TAS: "Australia/Hobart", VIC: "Australia/Melbourne", VICMelbourne: "Australia/Melbourne",
		WA: "Australia/Perth",
	}

	list := Regions()
	if len(list) != len(want) {
		t.Errorf("len(Regions()) = %d, want %d", len(list), len(want))
	}
	for i, info := range list {
		if i > 0 && list[i-1].Code >= info.Code {
			t.Errorf("Regions() not sorted by code at %s", info.Code)
		}
		if info.TimeZone != want[info.Code] {
			t.Errorf("Regions() %s time zone = %q, want %q", info.Code, info.TimeZone,
				want[info.Code])
		}
		if info.Name == "" {
			t.Errorf("Regions() %s has no name", info.Code)
		}
		if _, err := info.Code.Location(); err != nil {
			t.Errorf("%s.Location() error = %v", info.Code, err)
		}
		if _, ok := definitions[info.Code]; !ok {
			t.Errorf("region %s has no holiday definitions", info.Code)
		}
	}
}

// TestRegionsDaylightSaving checks the tz database against the daylight saving rules
// of each state: offsets in January and July differ only where clocks change.
func TestRegionsDaylightSaving(t *testing.T) {
	saving := map[Region]bool{
		ACT: true, NSW: true, NT: false, QLD: false, QLDBrisbane: false, SA: true,
		TAS: true, VIC: true, VICMelbourne: true, WA: false,
	}
	for _, info := range Regions() {
		loc := mustLocation(t, info.Code)
		_, summer := time.Date(2026, time.January, 15, 12, 0, 0, 0, loc).Zone()
		_, winter := time.Date(2026, time.July, 15, 12, 0, 0, 0, loc).Zone()
		if got := summer != winter; got != saving[info.Code] {
			t.Errorf("%s daylight saving = %v, want %v", info.Code, got, saving[info.Code])
		}
	}
}

func TestParseRegion(t *testing.T) {
	tests := []struct {
		code string
		want Region
	}{
		{"NSW", NSW},
		{"vic-mel", VICMelbourne},
		{" qld-bne ", QLDBrisbane},
		{"Wa", WA},
	}
	for _, tt := range tests {
		got, err := ParseRegion(tt.code)
		if err != nil || got != tt.want {
			t.Errorf("ParseRegion(%q) = %q, %v, want %q, nil", tt.code, got, err, tt.want)
		}
	}
}

func TestParseRegionInvalid(t *testing.T) {
	for _, code := range []string{"", "Victoria", "NZ", "VIC MEL", "QLD-"} {
		_, err := ParseRegion(code)
		if phoenix.ErrorCode(err) != phoenix.EINVALID {
			t.Errorf("ParseRegion(%q) error = %v, want an EINVALID error", code, err)
			continue
		}
		msg := phoenix.ErrorMessage(err)
		for _, info := range Regions() {
			if !strings.Contains(msg, string(info.Code)) {
				t.Errorf("ParseRegion(%q) message %q does not name %s", code, msg, info.Code)
			}
		}
	}
}

func TestRegionInfoUnknown(t *testing.T) {
	if _, ok := Region("NZ").Info(); ok {
		t.Errorf("Region(NZ).Info() ok = true, want false")
	}
	if _, err := Region("NZ").Location(); phoenix.ErrorCode(err) != phoenix.EINVALID {
		t.Errorf("Region(NZ).Location() error = %v, want an EINVALID error", err)
	}
}
