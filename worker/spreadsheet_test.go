package worker_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jhtbatch/batch"
	"jhtbatch/schemas"
)

// TestDamagedIdentifiersAreNoDuplicates: twenty rows whose NIK a
// spreadsheet wrote as the same 3.17101E+15 are no DUPLICATE_IN_FILE of one
// another, and a damaged NIK is not compared with the registry. A bank code
// and a phone that lost their leading zero are repaired, with a warning,
// and the claim gets the repaired values.
func TestDamagedIdentifiersAreNoDuplicates(t *testing.T) {
	e := newEnv(t)
	csv := header +
		"11111111111,3.17101E+15,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n" +
		"22222222222,3171014703900002,Siti Aminah,1990-03-07,2026-10-01,PHK,14,1234567890,Siti Aminah,81234567891,,\n"
	for i := range 18 {
		csv += fmt.Sprintf("%011d,\"3,17101E+15\",Pekerja Lain,1985-05-12,2026-10-01,PHK,014,1234567890,Pekerja Lain,081234567890,,\n", 60000000000+i)
	}
	b := e.upload(t, csv, batch.ModeCreate)
	e.run(t, 7)
	e.enqueuePlan(t, b.ID)
	b = e.wait(t, b.ID)

	var dups, damaged int
	var siti batch.ReportLine
	err := e.store.ReportLines(context.Background(), b, false, func(l batch.ReportLine) error {
		errs, _ := l.Issues.Codes()
		if slices.Contains(errs, batch.CodeDuplicateInFile) {
			dups++
		}
		if slices.Contains(errs, batch.CodeSpreadsheetNumber) {
			damaged++
		}
		if l.Row == 1 && !slices.Equal(errs, []batch.Code{batch.CodeSpreadsheetNumber}) {
			t.Errorf("row 1 (damaged NIK of a registered participant): errors %v, want only SPREADSHEET_NUMBER", errs)
		}
		if l.Row == 2 {
			siti = l
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dups != 0 || damaged != 19 {
		t.Errorf("%d rows DUPLICATE_IN_FILE, %d SPREADSHEET_NUMBER; want 0 and 19", dups, damaged)
	}
	if _, warns := siti.Issues.Codes(); siti.Outcome != batch.OutcomeCreated || !slices.Equal(warns, []batch.Code{batch.CodeLeadingZeroRestored}) {
		t.Errorf("row 2: %s, warnings %v; want CREATED with LEADING_ZERO_RESTORED", siti.Outcome, warns)
	}
	var bank, phone string
	err = e.db.QueryRow(context.Background(), `SELECT bank_code, phone FROM claims WHERE kpj = '22222222222'`).Scan(&bank, &phone)
	if err != nil || bank != "014" || phone != "+6281234567891" {
		t.Errorf("claim of row 2: bank %q phone %q (%v); want 014, +6281234567891", bank, phone, err)
	}
}

// TestWorkbookNumericNIK: a NIK typed into a workbook as a number (Excel
// keeps 15 digits of it) is SPREADSHEET_NUMBER, never compared.
func TestWorkbookNumericNIK(t *testing.T) {
	e := newEnv(t)
	f := excelize.NewFile()
	defer f.Close()
	hdr := []any{"kpj", "nik", "full_name", "birth_date", "termination_date", "reason", "bank_code", "bank_account",
		"account_name", "phone"}
	if err := f.SetSheetRow("Sheet1", "A1", &hdr); err != nil {
		t.Fatal(err)
	}
	for i, p := range [][2]string{{"11111111111", "Budi Santoso"}, {"22222222222", "Siti Aminah"}} {
		row := []any{p[0], int64(3171011205850000), p[1], "1985-05-12", "2026-10-01", "PHK", 14, 1234567890,
			p[1], 81234567890}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var spool bytes.Buffer
	info, err := batch.Inspect(bytes.NewReader(buf.Bytes()), &spool, 0)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := batch.NewWorkbookDecoder(bytes.NewReader(spool.Bytes()), info.Size, batch.DecodeOptions{}, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.store.CreateBatch(context.Background(), batch.Upload{
		CompanyID: e.company.ID, Mode: batch.ModeValidate, Filename: "t.xlsx", Info: info}, dec)
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, 10)
	e.enqueuePlan(t, b.ID)
	b = e.wait(t, b.ID)
	got := e.report(t, b)
	want := []batch.Code{batch.CodeSpreadsheetNumber}
	if len(got) != 2 || !slices.Equal(got[0].Errors, want) || !slices.Equal(got[1].Errors, want) {
		t.Errorf("report %+v; want both rows SPREADSHEET_NUMBER only (no duplicate, no registry comparison)", got)
	}
}

// TestWorkbookTemplateIsValid: the workbook template's example row, once
// its participant is registered, is judged VALID like the CSV template's.
func TestWorkbookTemplateIsValid(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.store.ImportParticipants(ctx, strings.NewReader(
		"kpj,nik,full_name,birth_date,npp,jht_balance,membership_start\n"+
			"23012345678,3171011708850001,Budi Santoso,1985-08-17,AB123456,25000000,2010-01-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(schemas.TemplateCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var xlsx bytes.Buffer
	if err := batch.WriteTemplateXLSX(&xlsx, recs[0], recs[1]); err != nil {
		t.Fatal(err)
	}
	var spool bytes.Buffer
	info, err := batch.Inspect(bytes.NewReader(xlsx.Bytes()), &spool, 0)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := batch.NewWorkbookDecoder(bytes.NewReader(spool.Bytes()), info.Size, batch.DecodeOptions{}, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.store.CreateBatch(ctx, batch.Upload{
		CompanyID: e.company.ID, Mode: batch.ModeValidate, Filename: "template.xlsx", Info: info}, dec)
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, 10)
	e.enqueuePlan(t, b.ID)
	b = e.wait(t, b.ID)
	if got := e.report(t, b); len(got) != 1 || got[0].Outcome != batch.OutcomeValid {
		t.Errorf("template row: %+v, want one VALID row", got)
	}
}
