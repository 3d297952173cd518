package web

// Words gives the tests the dashboard's texts of a language.
func Words(lang string) map[string]string { return words[lang] }

// Isolate is isolate, for the tests.
var Isolate = isolate
