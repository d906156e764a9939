package batchtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Workbook returns the rows of a CSV batch file (comma-separated, no quoted
// fields, such as ValidFile's) as an Excel workbook stored the way Excel
// stores what a clerk typed into Text-formatted columns: every value a
// shared string, except values of the form YYYY-MM-DD, which are date cells
// (a serial number in a date format). Made by hand, not by a library, so
// that a 200,000-row workbook takes a moment.
func Workbook(csv string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, content string) {
		w, err := zw.Create(name)
		if err == nil {
			_, err = w.Write([]byte(content))
		}
		if err != nil {
			panic(fmt.Sprintf("write %s: %v", name, err)) // a bytes.Buffer does not fail
		}
	}
	put("[Content_Types].xml", contentTypes)
	put("_rels/.rels", packageRels)
	put("xl/workbook.xml", workbookXML)
	put("xl/_rels/workbook.xml.rels", workbookRels)
	put("xl/styles.xml", stylesXML)
	sheet, strs := sheetXML(csv)
	put("xl/worksheets/sheet1.xml", sheet)
	put("xl/sharedStrings.xml", strs)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// sheetXML returns the worksheet and its shared strings.
func sheetXML(csv string) (sheet, sharedStrings string) {
	var sh, ss strings.Builder
	index := map[string]int{}
	sh.WriteString(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r, line := range strings.Split(strings.TrimRight(csv, "\n"), "\n") {
		fmt.Fprintf(&sh, `<row r="%d">`, r+1)
		for c, v := range strings.Split(line, ",") {
			ref := colName(c) + strconv.Itoa(r+1)
			if v == "" {
				continue
			}
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				serial := d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
				fmt.Fprintf(&sh, `<c r="%s" s="1"><v>%d</v></c>`, ref, int(serial))
				continue
			}
			i, ok := index[v]
			if !ok {
				i = len(index)
				index[v] = i
				ss.WriteString("<si><t>")
				_ = xml.EscapeText(&ss, []byte(v))
				ss.WriteString("</t></si>")
			}
			fmt.Fprintf(&sh, `<c r="%s" s="2" t="s"><v>%d</v></c>`, ref, i)
		}
		sh.WriteString("</row>")
	}
	sh.WriteString("</sheetData></worksheet>")
	return sh.String(), fmt.Sprintf(`%s<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">%s</sst>`,
		xml.Header, len(index), ss.String())
}

func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

const contentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
	`</Types>`

const packageRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const workbookXML = xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`

const workbookRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
	`</Relationships>`

// stylesXML: style 1 is a date (dd/mm/yyyy), style 2 text (@).
const stylesXML = xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
	`<borders count="1"><border/></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`</styleSheet>`
