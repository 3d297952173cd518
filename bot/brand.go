package bot

// Brand is what replies say about the company. config reads it from the
// brand section and templates show it; any field may be empty, and
// templates leave out what is not known.
type Brand struct {
	// Name is the brand name by language: {fa: ..., en: ...}.
	Name map[string]string `yaml:"name"`
	// SupportPhone is the customer-service number.
	SupportPhone string `yaml:"support_phone"`
	// Website is the public site, an absolute URL.
	Website string `yaml:"website"`
	// SafetyPhone and SafetyEmail reach the drug-safety
	// (pharmacovigilance) team; side-effect replies give them.
	SafetyPhone string `yaml:"safety_phone"`
	SafetyEmail string `yaml:"safety_email"`
}
