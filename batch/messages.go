package batch

// Lang is a message language.
type Lang string

// Supported languages; Bahasa Indonesia is the default.
const (
	LangID Lang = "id"
	LangEN Lang = "en"
)

// Message renders the issue in lang, naming the column and the rule broken.
// PLACEHOLDER: the rules work replaces this body with the full catalogue.
func (i Issue) Message(lang Lang) string {
	return string(i.Code)
}

// Message renders a file-level detail in lang, naming the line and column.
// PLACEHOLDER: the rules work replaces this body with the full catalogue.
func (d Detail) Message(lang Lang) string {
	return string(d.Code)
}
