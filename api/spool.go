package api

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The upload spool. An upload is written to a file while it is hashed and
// checked, then read again to store its rows; the file holds personal data
// (NIKs, accounts). It lives in one directory the process owns (SPOOL_DIR),
// and it is unlinked as soon as it is created: the open file works on, and
// nothing is left behind if the process dies, on Linux and every Unix. On a
// system that cannot remove an open file, it is removed when closed, and a
// crash leaves it for PrepareSpool at the next start. excelize's temporary
// files of an XLSX report go to the same directory.

// PrepareSpool makes dir (mode 0700) when missing and removes everything in
// it: files left there by a process that died mid-upload or mid-report.
// Another live process sharing dir loses nothing: its files are already
// unlinked, or held open.
func PrepareSpool(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create spool directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil { // made earlier by someone else, or wider
		return fmt.Errorf("make spool directory private: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read spool directory: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("empty spool directory: %w", err)
	}
	return nil
}

// spoolFile creates an anonymous spool file in dir: created, then unlinked
// at once. Its cleanup closes it (and removes it where unlinking an open
// file failed).
func spoolFile(dir string) (*os.File, func(), error) {
	f, err := os.CreateTemp(dir, "upload-*")
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
