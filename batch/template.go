package batch

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// templateSheet is the one sheet of the workbook template.
const templateSheet = "Karyawan"

// templateTextColumns are formatted as Text in the workbook template, so
// that what a clerk types there stays as typed: no lost leading zero, no
// 3.17101E+15.
var templateTextColumns = map[Column]bool{
	ColKPJ: true, ColNIK: true, ColBankCode: true, ColBankAccount: true, ColPhone: true, ColNPWP: true,
}

// templateRows is how far down the template's formats and drop-down lists
// reach: the most rows a spreadsheet holds.
const templateRows = 1 << 20

// WriteTemplateXLSX writes the workbook template: header as its first row
// (canonical column names) and example as its second, the identifier
// columns formatted as Text, and drop-down lists for reason (the reason
// codes) and bank_code (the bank table; a prompt names the banks). A value
// not in a list only warns: the other accepted spellings stay possible.
func WriteTemplateXLSX(w io.Writer, header, example []string) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close xlsx template: %w", cerr)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), templateSheet); err != nil {
		return fmt.Errorf("name template sheet: %w", err)
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return fmt.Errorf("xlsx template text style: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return fmt.Errorf("xlsx template header style: %w", err)
	}
	for i, name := range header {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := templateColumn(f, Column(name), col, text); err != nil {
			return err
		}
		if err := f.SetCellStr(templateSheet, col+"1", name); err != nil {
			return fmt.Errorf("template header: %w", err)
		}
		if err := f.SetCellStyle(templateSheet, col+"1", col+"1", bold); err != nil {
			return fmt.Errorf("template header style: %w", err)
		}
		if i < len(example) {
			if err := f.SetCellStr(templateSheet, col+"2", example[i]); err != nil {
				return fmt.Errorf("template example: %w", err)
			}
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx template: %w", err)
	}
	return nil
}

// templateColumn formats column col (a letter) for the contract column c.
func templateColumn(f *excelize.File, c Column, col string, text int) error {
	if err := f.SetColWidth(templateSheet, col, col, 20); err != nil {
		return fmt.Errorf("template column width: %w", err)
	}
	if templateTextColumns[c] {
		if err := f.SetColStyle(templateSheet, col, text); err != nil {
			return fmt.Errorf("template text column %s: %w", c, err)
		}
	}
	var list []string
	var prompt string
	switch c {
	case ColReason:
		list = []string{string(ReasonPHK), string(ReasonResign), string(ReasonContractEnd), string(ReasonRetirement)}
		prompt = "PHK, RESIGN (mengundurkan diri), CONTRACT_END (kontrak berakhir), RETIREMENT (pensiun)"
	case ColBankCode:
		names := make([]string, 0, len(banks))
		for _, b := range banks {
			list = append(list, b.Code)
			names = append(names, b.Code+" "+b.Name)
		}
		prompt = strings.Join(names, ", ")
	default:
		return nil
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows))
	if err := dv.SetDropList(list); err != nil {
		return fmt.Errorf("template list of %s: %w", c, err)
	}
	dv.SetInput(string(c), prompt)
	dv.SetError(excelize.DataValidationErrorStyleWarning, string(c),
		"Nilai ini tidak ada di daftar. / This value is not in the list.")
	if err := f.AddDataValidation(templateSheet, dv); err != nil {
		return fmt.Errorf("template drop-down of %s: %w", c, err)
	}
	return nil
}
