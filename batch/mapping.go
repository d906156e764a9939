package batch

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// Mapping is what an upload says about its own header: uploaded header name
// (compared as headerKey compares) to canonical column, ColIgnored for a
// column to leave unjudged. It wins over the aliases.
type Mapping map[string]Column

// Codes of the details of an invalid mapping (the upload is answered
// INVALID_PARAMETER).
const (
	CodeMappingJSON          Code = "MAPPING_JSON"
	CodeMappingUnknownColumn Code = "MAPPING_UNKNOWN_COLUMN"
)

// maxMappingEntries bounds a mapping; a real header has a few dozen names.
const maxMappingEntries = 500

// ParseMapping reads a mapping: a JSON object from uploaded header name to
// contract column name (case and punctuation ignored, "Full Name" is
// full_name) or null. "" is no mapping. An error is an *Error of kind
// invalid and code INVALID_PARAMETER, with one detail per problem.
func ParseMapping(raw string) (Mapping, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var obj map[string]*string
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&obj); err != nil || obj == nil || dec.More() || len(obj) > maxMappingEntries {
		return nil, mappingError(Detail{Code: CodeMappingJSON})
	}
	if !bytes.HasPrefix(bytes.TrimSpace([]byte(raw)), []byte("{")) {
		return nil, mappingError(Detail{Code: CodeMappingJSON})
	}
	m := Mapping{}
	var bad []Detail
	for name, target := range obj {
		col := ColIgnored
		if target != nil {
			c, ok := ParseColumn(*target)
			if !ok {
				bad = append(bad, Detail{Code: CodeMappingUnknownColumn, Column: shorten(name), Value: shorten(*target)})
				continue
			}
			col = c
		}
		key := headerKey(name)
		if prev, ok := m[key]; ok && prev != col {
			bad = append(bad, Detail{Code: CodeMappingJSON, Column: shorten(name)})
			continue
		}
		m[key] = col
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Column < bad[j].Column })
		if len(bad) > maxHeaderDetails {
			bad = bad[:maxHeaderDetails]
		}
		return nil, mappingError(bad...)
	}
	return m, nil
}

func mappingError(details ...Detail) *Error {
	return &Error{Kind: KindInvalid, Code: "INVALID_PARAMETER", Details: details}
}

// column returns the column the mapping gives an uploaded header name.
func (m Mapping) column(name string) (Column, bool) {
	if len(m) == 0 {
		return "", false
	}
	c, ok := m[headerKey(name)]
	return c, ok
}

// LearnedMapping returns the mapping that the given earlier uploads (their
// header names and the layout each got, newest first) applied to names the
// aliases do not know: for each such name that an upload's mapping sent to
// a column or to null, that choice, the newest winning. A name the aliases
// know keeps its meaning (a mapping that overrode an alias is not learned). An upload without a
// mapping of its own may use it (see the API), so that a report of a mapped
// upload uploads again as it is.
func LearnedMapping(headers [][]string, layouts []Layout) Mapping {
	m := Mapping{}
	for i, header := range headers {
		if i >= len(layouts) || len(layouts[i]) != len(header) {
			continue
		}
		for j, name := range header {
			col := layouts[i][j]
			key := headerKey(name)
			if col == ColReportOnly || key == "" {
				continue
			}
			if _, known := columnsByKey[key]; known || reportOnlyKeys[key] {
				continue // only names the aliases do not know are learned
			}
			if _, seen := m[key]; !seen {
				m[key] = col
			}
		}
	}
	return m
}
