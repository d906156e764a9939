package api

import (
	"os"
	"strings"

	"jhtbatch/batch"
)

// newDecoder returns the decoder of the spooled upload f: a workbook's
// (found by its bytes, whatever its name or content type
// says) or a CSV file's. The upload limit bounds the workbook unpacked too.
func (s *server) newDecoder(f *os.File, up *batch.Upload, req uploadRequest) (*batch.Decoder, error) {
	// Checked: Inspect has found a UTF-8 file valid and without NUL bytes.
	opt := batch.DecodeOptions{MaxRows: s.maxRows, MaxRecordBytes: s.maxRec, Mapping: up.Mapping, Checked: true}
	if up.Info.Encoding != batch.EncXLSX {
		return batch.NewDecoder(f, up.Info.Encoding, opt)
	}
	if up.Filename == defaultFilename {
		up.Filename = strings.TrimSuffix(defaultFilename, ".csv") + ".xlsx"
	}
	return batch.NewWorkbookDecoder(f, up.Info.Size, opt, batch.WorkbookOptions{Sheet: req.sheet, MaxUnzipped: s.maxSize})
}

// defaultFilename is the name cleanFilename gives an upload that has none.
const defaultFilename = "upload.csv"
