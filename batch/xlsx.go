package batch

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// EncXLSX is the "encoding" of an upload that is an Excel workbook (a zip
// package of XML parts): its rows are read by NewWorkbookDecoder.
const EncXLSX Encoding = "xlsx"

// CodeSheetNotFound refuses an upload whose ?sheet= names no worksheet of
// the workbook. It is a request error, not a CONTRACT file code: the file
// itself may be fine.
const CodeSheetNotFound Code = "SHEET_NOT_FOUND"

// WorkbookOptions say which worksheet of a workbook to read and bound what
// reading it may cost.
type WorkbookOptions struct {
	// Sheet names the worksheet to read (case-insensitive); "" reads the
	// first visible one.
	Sheet string
	// MaxUnzipped bounds the sum of the uncompressed sizes of all the
	// package's parts (the upload limit applied to the unpacked file): a zip
	// bomb is FILE_TOO_LARGE before anything is unpacked. It bounds the
	// rows' text too, counted as CSV would hold it: shared strings repeated
	// in every row cannot multiply the data either. 0 means no limit.
	MaxUnzipped int64
}

// Descriptions of a workbook that cannot be read, the Value of its
// FILE_ENCODING detail (English; the API translates them).
const (
	notAWorkbook   = "not a readable .xlsx workbook"
	legacyWorkbook = "legacy Excel .xls workbook"
)

// NewWorkbookDecoder reads an Excel workbook (.xlsx) of size bytes from r
// and returns a Decoder of its rows: the first visible worksheet (or
// opt.Sheet), each row a record whose Line is the worksheet row number, with
// the header and row rules of NewDecoder. Cells are read as follows: text
// (shared or inline strings, formula text) as it is; a number in a date
// format as YYYY-MM-DD; any other number as its exact integer where it is
// one (no exponent, no ".0"), except that a number in a nik or npwp column,
// or one of more than 15 significant digits in another identifier column,
// is written in scientific notation with every digit the cell held: a
// spreadsheet keeps only 15 significant digits, so such a value cannot be
// trusted and the rules flag it (SPREADSHEET_NUMBER). Empty trailing cells
// and rows are ignored; a row is as wide as the header unless it holds a
// value further right.
//
// The worksheet and the shared strings are streamed: memory holds the
// shared strings' text, one row and the package's small parts, never the
// worksheet. A goroutine inflates the worksheet ahead of the rows; it ends
// when the rows are read to the end or fail, or at Close: call Close when
// giving up on the decoder earlier. Errors are *Error: FILE_TOO_LARGE when the parts unpack to more
// than MaxUnzipped, FILE_ENCODING when the package is no readable
// workbook, SHEET_NOT_FOUND for an unknown opt.Sheet, and those of NewDecoder.
func NewWorkbookDecoder(r io.ReaderAt, size int64, opt DecodeOptions, wopt WorkbookOptions) (*Decoder, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, workbookError(err)
	}
	if err := checkUnzippedSize(zr, wopt.MaxUnzipped); err != nil {
		return nil, err
	}
	wb, err := openWorkbook(zr)
	if err != nil {
		return nil, workbookError(err)
	}
	sheet, err := wb.pickSheet(wopt.Sheet)
	if err != nil {
		return nil, err
	}
	src, err := wb.openSheet(sheet)
	if err != nil {
		return nil, workbookError(err)
	}
	src.maxText = wopt.MaxUnzipped
	d := &Decoder{src: src, comma: ',', checkUTF8: true, maxRows: opt.MaxRows, mapping: opt.Mapping}
	if err := d.readHeader(); err != nil {
		src.close()
		return nil, err
	}
	src.setLayout(d.layout, d.rawWidth)
	return d, nil
}

// workbookError turns a failure to read the package into the file error
// it means; an *Error is passed on.
func workbookError(err error) error {
	if e := ErrorOf(err); e != nil {
		return e
	}
	return &Error{Kind: KindInvalid, Code: CodeFileEncoding,
		Details: []Detail{{Code: CodeFileEncoding, Value: notAWorkbook}}, Err: err}
}

// checkUnzippedSize refuses a package whose parts declare more than max
// uncompressed bytes in all. The declared sizes can be trusted as bounds:
// archive/zip fails a part that inflates to more than it declared.
func checkUnzippedSize(zr *zip.Reader, max int64) error {
	if max <= 0 {
		return nil
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(max) {
			return FileError(KindTooLarge, CodeFileTooLarge, Detail{Code: CodeFileTooLarge, Value: fmt.Sprint(max)})
		}
	}
	return nil
}

// workbook is what is needed of a package to read one of its worksheets.
type workbook struct {
	parts      map[string]*zip.File // by lower-case name
	sheets     []sheetRef           // in workbook order
	dateStyles []bool               // per cell style (xf) index: a date format
	date1904   bool
	strings    *sharedStrings
}

// sheetRef is one worksheet of the workbook.
type sheetRef struct {
	name   string
	hidden bool
	part   string // part name of its XML, lower case
}

// maxSmallPart bounds the workbook, relationships and styles parts, which
// are read whole: real ones are a few kilobytes to a few megabytes.
const maxSmallPart = 32 << 20

func openWorkbook(zr *zip.Reader) (*workbook, error) {
	wb := &workbook{parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		wb.parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	if err := wb.readSheets(); err != nil {
		return nil, err
	}
	if err := wb.readStyles(); err != nil {
		return nil, err
	}
	ss, err := readSharedStrings(wb.parts["xl/sharedstrings.xml"])
	if err != nil {
		return nil, err
	}
	wb.strings = ss
	return wb, nil
}

// unmarshalPart decodes the XML part name into v; a missing part leaves v
// as it is when optional.
func (wb *workbook) unmarshalPart(name string, v any, optional bool) error {
	f := wb.parts[name]
	if f == nil {
		if optional {
			return nil
		}
		return fmt.Errorf("workbook part %s missing", name)
	}
	if f.UncompressedSize64 > maxSmallPart {
		return fmt.Errorf("workbook part %s too large", name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// readSheets reads the worksheets' names, states and parts.
func (wb *workbook) readSheets() error {
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"` // r:id, in either namespace of the standard
		} `xml:"sheets>sheet"`
	}
	if err := wb.unmarshalPart("xl/workbook.xml", &doc, false); err != nil {
		return err
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := wb.unmarshalPart("xl/_rels/workbook.xml.rels", &rels, false); err != nil {
		return err
	}
	for _, s := range doc.Sheets {
		for _, r := range rels.Rels {
			if r.ID != s.RID || !strings.HasSuffix(r.Type, "/worksheet") {
				continue
			}
			target := strings.TrimPrefix(r.Target, "/")
			if !strings.HasPrefix(r.Target, "/") {
				target = path.Join("xl", r.Target)
			}
			wb.sheets = append(wb.sheets, sheetRef{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden",
				part: strings.ToLower(target)})
		}
	}
	if len(wb.sheets) == 0 {
		return errors.New("workbook has no worksheet")
	}
	return nil
}

// pickSheet returns the worksheet named name, or the first visible one.
func (wb *workbook) pickSheet(name string) (sheetRef, error) {
	if name == "" {
		for _, s := range wb.sheets {
			if !s.hidden {
				return s, nil
			}
		}
		return wb.sheets[0], nil
	}
	names := make([]string, 0, len(wb.sheets))
	for _, s := range wb.sheets {
		if strings.EqualFold(s.name, name) {
			return s, nil
		}
		names = append(names, sheetName(s.name))
	}
	return sheetRef{}, &Error{Kind: KindInvalid, Code: CodeSheetNotFound, Details: []Detail{{
		Code: CodeSheetNotFound, Column: "sheet", Value: sheetName(name) + "/" + strings.Join(names, ", ")}}}
}

// sheetName quotes a sheet name for a message; its '/' (which no sheet
// name holds) would split the message's two arguments.
func sheetName(name string) string {
	return strconv.Quote(strings.ReplaceAll(shorten(name), "/", "\u2215"))
}

// readStyles marks the cell styles whose number format is a date.
func (wb *workbook) readStyles() error {
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := wb.unmarshalPart("xl/styles.xml", &doc, true); err != nil {
		return err
	}
	custom := make(map[int]string, len(doc.NumFmts))
	for _, nf := range doc.NumFmts {
		custom[nf.ID] = nf.Code
	}
	wb.dateStyles = make([]bool, len(doc.Xfs))
	for i, xf := range doc.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			wb.dateStyles[i] = dateFormatCode(code)
		} else {
			wb.dateStyles[i] = builtinDateFormat(xf.NumFmtID)
		}
	}
	return nil
}

// builtinDateFormat reports whether a built-in number format shows a date
// (ECMA-376 §18.8.30, with the East Asian date formats); the time-only
// ones (18–21, 45–47) are not dates.
func builtinDateFormat(id int) bool {
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
}

// dateFormatCode reports whether a custom number format shows a date: it
// has a day or year token outside quoted text, escapes and [bracketed]
// parts (colours, locales, elapsed time).
func dateFormatCode(code string) bool {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				return false
			}
		case '\\', '_', '*':
			i++ // the next character is literal (or padding)
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case 'd', 'D', 'y', 'Y':
			return true
		}
	}
	return false
}
