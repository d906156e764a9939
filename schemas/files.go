package schemas

import _ "embed" // for the //go:embed files below

// OpenAPI is the OpenAPI 3.1 document of the HTTP API, served at
// GET /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

// TemplateCSV is the CSV template served at GET /v1/template.csv: the
// header row and one example row.
//
//go:embed template.csv
var TemplateCSV []byte
