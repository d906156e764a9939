package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"jhtbatch/batch"
)

// maxMappingBody bounds a PUT /v1/mappings body: a few hundred header names.
const maxMappingBody = 64 << 10

// mappingJSON is a remembered header mapping: the uploaded headers of a
// file, and for each header that needed one, the column it maps to (null:
// ignore that column). The same object is sent as an upload's mapping.
type mappingJSON struct {
	Headers   []string           `json:"headers"`
	Mapping   map[string]*string `json:"mapping"`
	UpdatedAt *time.Time         `json:"updated_at,omitempty"`
}

type mappingListJSON struct {
	Mappings []mappingJSON `json:"mappings"`
}

// handleListMappings answers the company's remembered mappings, most
// recently saved first; the page picks the one whose headers match a file.
func (s *server) handleListMappings(w http.ResponseWriter, r *http.Request, c batch.Company) {
	list, err := s.store.SavedMappings(r.Context(), c.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := mappingListJSON{Mappings: make([]mappingJSON, 0, len(list))}
	for _, m := range list {
		out.Mappings = append(out.Mappings, toMappingJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// handlePutMapping remembers a mapping for the company's files with the
// given headers (replacing the one for the same header set). Every mapped
// header must be one of the headers, and every target a column or null.
func (s *server) handlePutMapping(w http.ResponseWriter, r *http.Request, c batch.Company) {
	var in mappingJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxMappingBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.writeError(w, r, invalidParam("mapping"))
		return
	}
	if err := dec.Decode(new(json.RawMessage)); !errors.Is(err, io.EOF) {
		s.writeError(w, r, invalidParam("mapping"))
		return
	}
	if err := checkMapping(in); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.store.SaveMapping(r.Context(), c.ID, batch.SavedMapping{Headers: in.Headers, Mapping: in.Mapping})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMappingJSON(m))
}

// checkMapping refuses a mapping that names no headers, maps a header the
// file does not have, or maps to something that is not a column.
func checkMapping(m mappingJSON) error {
	if len(m.Headers) == 0 || len(m.Headers) > 500 || batch.HeaderSetKey(m.Headers) == "" {
		return invalidParam("headers")
	}
	have := make(map[string]bool, len(m.Headers))
	for _, h := range m.Headers {
		have[h] = true
	}
	for h, target := range m.Mapping {
		if !have[h] || (target != nil && !batch.ValidMappingTarget(*target)) {
			return invalidParam("mapping")
		}
	}
	return nil
}

func toMappingJSON(m batch.SavedMapping) mappingJSON {
	out := mappingJSON{Headers: m.Headers, Mapping: m.Mapping}
	if out.Mapping == nil {
		out.Mapping = map[string]*string{}
	}
	if !m.UpdatedAt.IsZero() {
		t := m.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}
