package demo

import "github.com/phoenix-eap/phoenix"

// Password is every demo account's password. It is printed at start-up in demo mode.
const Password = "phoenix-demo"

type orgSpec struct {
	name, region, zone, domain string
	sessions                   int
}

// The demo organisations, one per time zone the demo covers. Every name is invented.
var orgSpecs = []orgSpec{
	{"Southbank Logistics", "VIC-MEL", "Australia/Melbourne", "southbank.example", 6},
	{"Harbourside Health Partners", "NSW", "Australia/Sydney", "harbourside.example", 4},
	{"River City Engineering", "QLD-BNE", "Australia/Brisbane", "rivercity.example", 6},
	{"Swan Coast Mining Services", "WA", "Australia/Perth", "swancoast.example", 4},
	{"Hills Valley Wineries", "SA", "Australia/Adelaide", "hillsvalley.example", 4},
}

type userSpec struct {
	email, name string
	role        phoenix.Role
	zone        string
}

// The provider's demo staff. The first consultant has the fullest calendar.
var staffSpecs = []userSpec{
	{"priya.raman@provider.example", "Priya Raman", phoenix.RoleConsultant, "Australia/Melbourne"},
	{"tom.whitlock@provider.example", "Tom Whitlock", phoenix.RoleConsultant, "Australia/Sydney"},
	{"grace.nguyen@provider.example", "Grace Nguyen", phoenix.RoleConsultant, "Australia/Brisbane"},
	{"sam.okafor@provider.example", "Sam Okafor", phoenix.RoleConsultant, "Australia/Perth"},
	{"lena.fischer@provider.example", "Lena Fischer", phoenix.RoleConsultant, "Australia/Adelaide"},
	{"marcus.bell@provider.example", "Marcus Bell", phoenix.RoleConsultant, "Australia/Hobart"},
	{"intake@provider.example", "Ivy Intake", phoenix.RoleIntake, "Australia/Melbourne"},
	{"clinical.lead@provider.example", "Dr Hannah Cole", phoenix.RoleClinicalLeader, "Australia/Melbourne"},
	{"admin@provider.example", "Morgan Admin", phoenix.RoleAdmin, "Australia/Melbourne"},
}

var firstNames = []string{
	"Olivia", "Jack", "Charlotte", "Noah", "Amelia", "William", "Isla", "Oliver", "Mia",
	"Leo", "Ava", "Henry", "Grace", "Lucas", "Chloe", "Thomas", "Zoe", "Ethan", "Ruby",
	"Harrison", "Sienna", "Xavier", "Matilda", "Kai", "Ivy", "Arlo", "Willow", "Hamish",
	"Aisha", "Mateo", "Priyanka", "Tariq", "Mei", "Connor", "Freya", "Rafael", "Yasmin",
	"Bodhi", "Ngaio", "Declan",
}

var lastNames = []string{
	"Abernethy", "Bellweather", "Castellano", "Dunmore", "Everleigh", "Fairbrother",
	"Galloway", "Hawthorne", "Illingworth", "Jardine", "Kowalczyk", "Lindqvist",
	"Macready", "Northcott", "Ostrowski", "Pemberton", "Quayle", "Rutherford",
	"Saltmarsh", "Thistlewood", "Underhill", "Vasquez-Reid", "Wetherby", "Yarrowby",
	"Zielinski", "Ashcombe", "Brightwater", "Coldwell", "Dovecote", "Emberton",
}
