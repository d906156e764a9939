package api

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"jhtbatch/batch"
)

// The upload spool. An upload is written to a file while it is hashed and
// checked, then read again to store its rows; the file holds personal data
// (NIKs, accounts). It lives in one directory the process owns (SPOOL_DIR),
// and it is unlinked as soon as it is created: the open file works on, and
// nothing is left behind if the process dies, on Linux and every Unix. On a
// system that cannot remove an open file, it is removed when closed, and a
// crash leaves it for PrepareSpool at the next start. An XLSX report's
// spool file (batch.XLSXSpoolPrefix) goes to the same directory.

// PrepareSpool makes dir (mode 0700) when missing and removes from it the
// files this service leaves there (upload-*, and xlsx-report-* of XLSX
// reports, or excelize-* of earlier releases) when a process dies mid-upload or mid-report. Nothing else in
// dir is touched, and an existing dir keeps its mode: SPOOL_DIR may name a
// shared directory such as /tmp by mistake, and the service must not empty
// or lock it (the files it makes are 0600 and unlinked at once anyway).
// Another live process sharing dir loses nothing: its files are already
// unlinked, or held open.
func PrepareSpool(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create spool directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read spool directory: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !ownSpoolFile(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("empty spool directory: %w", err)
	}
	return nil
}

// Name prefixes of the files the service writes to its spool: uploads
// (spoolFile) and an XLSX report's sheet; releases before 2026-11-27 wrote
// their XLSX reports through excelize, whose temporary files may be left.
const (
	uploadSpoolPrefix = "upload-"
	excelizePrefix    = "excelize-"
)

// ownSpoolFile reports whether name is one of the service's spool files.
func ownSpoolFile(name string) bool {
	return strings.HasPrefix(name, uploadSpoolPrefix) || strings.HasPrefix(name, batch.XLSXSpoolPrefix) ||
		strings.HasPrefix(name, excelizePrefix)
}

// spoolFile creates an anonymous spool file in dir: created, then unlinked
// at once. Its cleanup closes it (and removes it where unlinking an open
// file failed).
func spoolFile(dir string) (*os.File, func(), error) {
	f, err := os.CreateTemp(dir, uploadSpoolPrefix+"*")
	if err != nil {
		return nil, nil, fmt.Errorf("create upload spool file: %w", err)
	}
	unlinked := os.Remove(f.Name()) == nil
	return f, func() {
		f.Close()
		if !unlinked {
			os.Remove(f.Name())
		}
	}, nil
}
