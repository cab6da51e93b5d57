package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phoenix-eap/phoenix"
	"github.com/phoenix-eap/phoenix/internal/testenv"
	"github.com/phoenix-eap/phoenix/store"
)

func TestOrganisations(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		got, err := c.Organisation(ctx, w.org.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(w.org, got); diff != "" {
			t.Errorf("Organisation (-want +got):\n%s", diff)
		}
		_, err = c.Organisation(ctx, 9999)
		wantCode(t, "Organisation(9999)", err, phoenix.ENOTFOUND)

		zenith := phoenix.Organisation{Name: "Zenith Health", Region: "NSW-SYD",
			TimeZone: "Australia/Sydney", Active: true}
		zenith.ID = newID(t)(c.CreateOrganisation(ctx, zenith, t0))
		bright := phoenix.Organisation{Name: "Bright Logistics", Region: "QLD",
			TimeZone: "Australia/Brisbane", Active: false}
		bright.ID = newID(t)(c.CreateOrganisation(ctx, bright, t0))

		list, err := c.Organisations(ctx)
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Organisation{w.org, bright, zenith}, list); diff != "" {
			t.Errorf("Organisations, by name (-want +got):\n%s", diff)
		}
		n, err := c.CountOrganisations(ctx)
		if err != nil || n != 3 {
			t.Errorf("CountOrganisations = %d, %v, want 3", n, err)
		}

		_, err = c.CreateOrganisation(ctx, phoenix.Organisation{Name: "Acme Freight",
			Region: "VIC-MEL", TimeZone: "Australia/Melbourne"}, t0)
		wantCode(t, "CreateOrganisation(same name)", err, phoenix.ECONFLICT)
		if phoenix.ErrorFields(err)["name"] == "" {
			t.Errorf("CreateOrganisation(same name) fields = %v, want name", phoenix.ErrorFields(err))
		}

		bright.Name, bright.Region, bright.TimeZone, bright.Active =
			"Bright Freight", "WA", "Australia/Perth", true
		testenv.Must(t, c.UpdateOrganisation(ctx, bright))
		got, err = c.Organisation(ctx, bright.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(bright, got); diff != "" {
			t.Errorf("Organisation after UpdateOrganisation (-want +got):\n%s", diff)
		}
		bright.Name = "Zenith Health"
		err = c.UpdateOrganisation(ctx, bright)
		wantCode(t, "UpdateOrganisation(taken name)", err, phoenix.ECONFLICT)
	})
}

func TestContracts(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()

		// Terms change on 1 July 2026, and again on 1 January 2027.
		july := w.contract
		july.EffectiveFrom, july.SessionsPerPeriod = phoenix.MustParseDate("2026-07-01"), 8
		july.ID = newID(t)(c.AddContract(ctx, july, t0))
		january := w.contract
		january.EffectiveFrom, january.GoalDays, january.DeadlineDays =
			phoenix.MustParseDate("2027-01-01"), 5, 10
		january.ID = newID(t)(c.AddContract(ctx, january, t0))

		tests := []struct {
			day  string
			want phoenix.Contract
		}{
			{"2020-01-01", w.contract},
			{"2026-06-30", w.contract},
			{"2026-07-01", july},
			{"2026-12-31", july},
			{"2027-01-01", january},
			{"2031-05-05", january},
		}
		for _, tt := range tests {
			got, err := c.ContractOn(ctx, w.org.ID, phoenix.MustParseDate(tt.day))
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ContractOn(%s) (-want +got):\n%s", tt.day, diff)
			}
		}
		_, err := c.ContractOn(ctx, w.org.ID, phoenix.MustParseDate("2019-12-31"))
		wantCode(t, "ContractOn(before the first terms)", err, phoenix.ENOTFOUND)

		got, err := c.Contract(ctx, july.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff(july, got); diff != "" {
			t.Errorf("Contract(%d) (-want +got):\n%s", july.ID, diff)
		}
		_, err = c.Contract(ctx, 9999)
		wantCode(t, "Contract(9999)", err, phoenix.ENOTFOUND)

		all, err := c.Contracts(ctx, w.org.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff([]phoenix.Contract{january, july, w.contract}, all); diff != "" {
			t.Errorf("Contracts, newest first (-want +got):\n%s", diff)
		}

		_, err = c.AddContract(ctx, july, t0)
		wantCode(t, "AddContract(same effective date)", err, phoenix.ECONFLICT)
		if phoenix.ErrorFields(err)["effective_from"] == "" {
			t.Errorf("AddContract(same date) fields = %v, want effective_from",
				phoenix.ErrorFields(err))
		}
	})
}

func TestClosures(t *testing.T) {
	testenv.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		ctx := context.Background()
		c := w.db.Conn()
		other := newID(t)(c.CreateOrganisation(ctx, phoenix.Organisation{Name: "Other Org",
			Region: "NSW-SYD", TimeZone: "Australia/Sydney", Active: true}, t0))

		add := func(orgID int64, day, name string) store.Closure {
			k := store.Closure{OrganisationID: orgID, Day: phoenix.MustParseDate(day), Name: name}
			k.ID = newID(t)(c.AddClosure(ctx, k, t0))
			return k
		}
		christmas := add(0, "2026-12-24", "Provider shutdown")
		picnic := add(w.org.ID, "2026-11-20", "Acme picnic day")
		otherDay := add(other, "2026-11-13", "Other Org retreat")
		newYear := add(0, "2027-01-02", "Provider shutdown")

		tests := []struct {
			orgID int64
			want  []store.Closure
		}{
			{0, []store.Closure{christmas, newYear}},
			{w.org.ID, []store.Closure{picnic, christmas, newYear}},
			{other, []store.Closure{otherDay, christmas, newYear}},
			{-1, []store.Closure{otherDay, picnic, christmas, newYear}},
		}
		for _, tt := range tests {
			got, err := c.Closures(ctx, tt.orgID)
			testenv.Must(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Closures(%d), by day (-want +got):\n%s", tt.orgID, diff)
			}
		}

		testenv.Must(t, c.DeleteClosure(ctx, picnic.ID))
		got, err := c.Closures(ctx, w.org.ID)
		testenv.Must(t, err)
		if diff := cmp.Diff([]store.Closure{christmas, newYear}, got); diff != "" {
			t.Errorf("Closures after DeleteClosure (-want +got):\n%s", diff)
		}

		_, err = c.AddClosure(ctx, store.Closure{OrganisationID: 9999,
			Day: phoenix.MustParseDate("2026-11-01"), Name: "Nowhere"}, t0)
		wantConstraint(t, "AddClosure(no organisation)", err, store.ForeignKeyConstraint, "closures")
	})
}
