package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"

	"jhtbatch/batch"
	"jhtbatch/schemas"
)

// templateCSV returns the CSV template in the dialect ?delimiter= asks for:
// "" or "comma" as stored; "semicolon" with ';' and a UTF-8 BOM, what Excel
// in the Indonesian locale opens (and saves) as columns.
func templateCSV(delimiter string) ([]byte, error) {
	switch delimiter {
	case "", "comma":
		return schemas.TemplateCSV, nil
	case "semicolon":
		recs, err := templateRecords()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		buf.WriteString("\uFEFF")
		cw := csv.NewWriter(&buf)
		cw.Comma = ';'
		cw.UseCRLF = true
		if err := cw.WriteAll(recs); err != nil {
			return nil, fmt.Errorf("write template: %w", err)
		}
		return buf.Bytes(), nil
	}
	return nil, invalidParam("delimiter")
}

// templateRecords returns the header and example row of the template.
func templateRecords() ([][]string, error) {
	recs, err := csv.NewReader(bytes.NewReader(schemas.TemplateCSV)).ReadAll()
	if err != nil || len(recs) != 2 {
		return nil, fmt.Errorf("read the embedded template: %v (%d records)", err, len(recs))
	}
	return recs, nil
}

// handleTemplateXLSX serves the workbook template (no API key needed): the
// CSV template's header and example row, the identifier columns formatted as
// Text, and drop-down lists for reason and bank_code.
func (s *server) handleTemplateXLSX(w http.ResponseWriter, r *http.Request) {
	recs, err := templateRecords()
	var buf bytes.Buffer
	if err == nil {
		err = batch.WriteTemplateXLSX(&buf, recs[0], recs[1])
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentTypeXLSX)
	w.Header().Set("Content-Disposition", `attachment; filename="jhtbatch-template.xlsx"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(buf.Bytes())
}
