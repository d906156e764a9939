package api

import (
	"context"
	"fmt"
	"io"
	"os"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// decodeUpload opens the decoder of a spooled upload. An upload without a
// mapping of its own whose header names columns the aliases do not know is
// read again with the mappings the company's own earlier uploads applied
// (postgres.Store.LearnedMapping): so the report of a mapped upload, whose
// header keeps the uploaded names, uploads again as it is (fix and send
// again). Names no earlier mapping chose stay unknown; when the second
// reading fails too, the first error is the answer.
func (s *server) decodeUpload(ctx context.Context, f *os.File, up *postgres.Upload, req uploadRequest) (*batch.Decoder, error) {
	dec, err := s.newDecoder(f, up, req)
	if err == nil || up.Mapping != nil || !headerError(err) {
		return dec, err
	}
	learned, lerr := s.store.LearnedMapping(ctx, up.CompanyID)
	if lerr != nil || len(learned) == 0 {
		return nil, err
	}
	if _, serr := f.Seek(0, io.SeekStart); serr != nil {
		return nil, fmt.Errorf("rewind upload spool file: %w", serr)
	}
	up.Mapping = learned
	dec, err2 := s.newDecoder(f, up, req)
	if err2 != nil {
		up.Mapping = nil
		return nil, err
	}
	return dec, nil
}

// headerError reports whether err refuses a file for unknown header names.
func headerError(err error) bool {
	e := batch.ErrorOf(err)
	return e != nil && e.Code == batch.CodeHeaderUnknownColumn
}
